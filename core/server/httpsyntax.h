#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

// The pieces of HTTP/1.x syntax (RFC 9110, RFC 9112) that requests and responses share.
namespace inkstream::core::httpsyntax {

// A token: a method or a field name (RFC 9110 §5.6.2).
bool isToken(QByteArrayView text);
// A field value: visible characters, spaces, tabs and obs-text; never other controls.
bool isFieldValue(QByteArrayView value);
// `text` without the spaces and tabs around it (a field's optional whitespace).
QByteArrayView trimmedWhitespace(QByteArrayView text);
// Content-Length: one or more comma-separated lists of digits, all the same number; false
// with a reason otherwise.
bool parseContentLength(const QList<QByteArray> &values, qint64 *length, QString *reason);
// The items of comma-separated list fields (Transfer-Encoding, Connection) in order, trimmed
// and lower-cased.
QList<QByteArray> listItems(const QList<QByteArray> &values);

} // namespace inkstream::core::httpsyntax
