#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace inkstream::core {

// One line of a recording or session log (docs/recording.md, "Format"):
//
//     {"c":"1a2b3c4d","t":168,"event":{...}}\n
//
// `c` is the CRC-32 (Crc32) of everything after `"c":"........",` up to (not including) the
// newline, so a line that was cut off or damaged is recognised; `t` is milliseconds since the
// start; the last member's name is the record's kind ("event", "accept", ...) and its value is
// JSON. Every line is itself a JSON object, so line-oriented tools read a log as NDJSON.
class LogRecord final
{
public:
    enum class Parse {
        Ok,
        Incomplete, // no newline at the end: the writer was stopped in the middle of the line
        Damaged, // a whole line whose checksum or shape is wrong
    };

    // The line for one record, newline included. `value` is one JSON value without newline.
    static QByteArray encode(qint64 atMs, QByteArrayView kind, QByteArrayView value);
    // Appends the line to `out` (one allocation for a whole batch of records). `kind` and
    // `value` must not point into `out`, which may move.
    static void append(QByteArray *out, qint64 atMs, QByteArrayView kind, QByteArrayView value);

    // Parses one line (with its newline). On Ok, `kind` and `value` point into `line`.
    static Parse parse(QByteArrayView line, qint64 *atMs, QByteArrayView *kind,
                       QByteArrayView *value);
    // Whether `line` looks like a checksummed record at all (versus a version 1 recording line).
    static bool isChecksummed(QByteArrayView line);
};

} // namespace inkstream::core
