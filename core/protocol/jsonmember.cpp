#include "core/protocol/jsonmember.h"

#include <QJsonValue>
#include <cmath>
#include <limits>

namespace inkstream::core {

bool JsonMember::readInteger(const QJsonObject &object, const QString &key, int min, int max,
                             int *out, QString *error)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return true;
    const double number = value.toDouble(std::numeric_limits<double>::quiet_NaN());
    if (!value.isDouble() || std::floor(number) != number || number < min || number > max) {
        *error
            = QStringLiteral("\"%1\" must be an integer from %2 to %3").arg(key).arg(min).arg(max);
        return false;
    }
    *out = int(number);
    return true;
}

bool JsonMember::readString(const QJsonObject &object, const QString &key, QString *out,
                            QString *error)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isString()) {
        *error = QStringLiteral("\"%1\" must be a string").arg(key);
        return false;
    }
    *out = value.toString();
    return true;
}

bool JsonMember::readBool(const QJsonObject &object, const QString &key, bool *out, QString *error)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isBool()) {
        *error = QStringLiteral("\"%1\" must be true or false").arg(key);
        return false;
    }
    *out = value.toBool();
    return true;
}

} // namespace inkstream::core
