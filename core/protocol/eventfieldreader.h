#pragma once

#include "core/protocol/fastjson.h"

#include <QJsonObject>
#include <QString>
#include <array>
#include <limits>
#include <string_view>

namespace inkstream::core {

// Reads the members of one event object (a QJsonObject, or a FastObject on the fast path); the
// first failure is kept as a readable message naming the event and the field.
template<typename Object> class FieldReader final
{
public:
    FieldReader(const Object &object, std::string_view eventName)
        : m_object(object)
        , m_eventName(eventName)
    { }

    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }

    // `required` strings must be present; `nonEmpty` ones must also have text.
    bool string(QLatin1String key, QString *out, bool required, bool nonEmpty = false,
                bool *present = nullptr)
    {
        const auto value = m_object.value(key);
        if (present)
            *present = !value.isUndefined();
        if (value.isUndefined())
            return absent(key, required);
        if (!value.isString())
            return fail(key, QStringLiteral("must be a string, got ") % typeName(value));
        *out = value.toString();
        if (nonEmpty && out->isEmpty())
            return fail(key, QStringLiteral("must not be empty"));
        return true;
    }

    bool integer(QLatin1String key, qint64 min, qint64 max, qint64 *out, bool required,
                 bool *present = nullptr)
    {
        return integerIn(m_object, key, min, max, out, required, present);
    }

    bool integerIn(const Object &object, QLatin1String key, qint64 min, qint64 max, qint64 *out,
                   bool required, bool *present = nullptr)
    {
        const auto value = object.value(key);
        if (present)
            *present = !value.isUndefined();
        if (value.isUndefined())
            return absent(key, required);
        // Built only on failure: this runs for every event's "seq".
        const auto range = [min, max]() -> QString {
            return QString::number(min) % QStringLiteral("..") % QString::number(max);
        };
        if (!value.isDouble())
            return fail(key,
                        QStringLiteral("must be an integer in ") % range()
                            % QStringLiteral(", got ") % typeName(value));
        constexpr qint64 notIntegral = std::numeric_limits<qint64>::min();
        const qint64 number = value.toInteger(notIntegral);
        if (number == notIntegral || number < min || number > max) {
            return fail(key,
                        QStringLiteral("must be an integer in ") % range()
                            % QStringLiteral(", got ")
                            % QString::number(value.toDouble(), 'g', 17));
        }
        *out = number;
        return true;
    }

    template<typename Enum, std::size_t N>
    bool enumeration(QLatin1String key, const std::array<std::string_view, N> &names, Enum *out)
    {
        const auto value = m_object.value(key);
        if (value.isUndefined())
            return absent(key, true);
        if (!value.isString())
            return fail(key, QStringLiteral("must be a string, got ") % typeName(value));
        for (std::size_t i = 0; i < N; ++i) {
            if (equalsAscii(value, names[i])) {
                *out = static_cast<Enum>(i);
                return true;
            }
        }
        QString allowed;
        for (std::size_t i = 0; i < N; ++i) {
            if (i)
                allowed += QStringLiteral(", ");
            allowed += QLatin1String(names[i].data(), qsizetype(names[i].size()));
        }
        return fail(key,
                    QStringLiteral("must be one of ") % allowed % QStringLiteral(", got \"")
                        % value.toString() % QLatin1Char('"'));
    }

    template<typename Nested>
    bool object(QLatin1String key, Nested *out, bool required, bool *present = nullptr)
    {
        const auto value = m_object.value(key);
        if (present)
            *present = !value.isUndefined();
        if (value.isUndefined())
            return absent(key, required);
        if (!value.isObject())
            return fail(key, QStringLiteral("must be an object, got ") % typeName(value));
        *out = value.toObject();
        return true;
    }

    // What an absent member makes of the read: fine when it is optional, a failure (said)
    // when it is required.
    bool absent(QLatin1String key, bool required)
    {
        if (required)
            fail(key, QStringLiteral("is missing"));
        return !required;
    }

    bool fail(QLatin1String key, const QString &what)
    {
        if (m_error.isEmpty()) {
            m_error = QLatin1String(m_eventName.data(), qsizetype(m_eventName.size()))
                % QStringLiteral(" event: field \"") % key % QStringLiteral("\" ") % what;
        }
        return false;
    }

    template<typename Value> static QString typeName(const Value &value)
    {
        switch (value.type()) {
        case QJsonValue::Null:
            return QStringLiteral("null");
        case QJsonValue::Bool:
            return QStringLiteral("a boolean");
        case QJsonValue::Double:
            return QStringLiteral("a number");
        case QJsonValue::String:
            return QStringLiteral("a string");
        case QJsonValue::Array:
            return QStringLiteral("an array");
        case QJsonValue::Object:
            return QStringLiteral("an object");
        case QJsonValue::Undefined:
            break;
        }
        return QStringLiteral("nothing");
    }

private:
    const Object &m_object;
    std::string_view m_eventName;
    QString m_error;
};

} // namespace inkstream::core
