#pragma once

#include <QJsonObject>
#include <QString>

namespace inkstream::core {

// Optional members of a JSON object as the REST bodies and the demo scripts have them.
class JsonMember final
{
public:
    // Reads member `key` as an integer in [min, max] into `out`. Absent, or null (as JSON
    // writers spell "not given"), leaves `out` as it is. Anything else is refused, false, with
    // `error` naming the member: "\"chunkSize\" must be an integer from 1 to 1048576".
    static bool readInteger(const QJsonObject &object, const QString &key, int min, int max,
                            int *out, QString *error);
    // The same for a string ("\"id\" must be a string") and a boolean ("must be true or false").
    static bool readString(const QJsonObject &object, const QString &key, QString *out,
                           QString *error);
    static bool readBool(const QJsonObject &object, const QString &key, bool *out, QString *error);
};

} // namespace inkstream::core
