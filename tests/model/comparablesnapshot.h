#pragma once

#include <QJsonArray>
#include <QJsonObject>

// A model's snapshot without the chat timestamps (they record when a model applied a message,
// which differs between two models built at different moments), for comparing models.
inline QJsonObject comparableSnapshot(QJsonObject snapshot)
{
    QJsonArray chat = snapshot.value(QStringLiteral("chat")).toArray();
    for (qsizetype i = 0; i < chat.size(); ++i) {
        QJsonObject message = chat[i].toObject();
        message.remove(QStringLiteral("timestamp"));
        chat[i] = message;
    }
    snapshot.insert(QStringLiteral("chat"), chat);
    return snapshot;
}
