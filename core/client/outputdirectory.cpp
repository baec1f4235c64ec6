#include "core/client/outputdirectory.h"

#include "core/client/clientlog.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QStringList>

namespace inkstream::core {

namespace {

constexpr qsizetype kMaxNameLength = 1024;

bool refuse(QString *out, const QString &reason)
{
    if (out)
        *out = reason;
    return false;
}

bool isControl(char16_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

// Characters that reorder the text around them: a name would read as something it is not.
bool isBidiControl(char16_t c)
{
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e
        || c == 0x200f || c == 0x061c;
}

QString codePoint(char16_t c)
{
    return QStringLiteral("U+%1").arg(uint(c), 4, 16, QLatin1Char('0')).toUpper();
}

// A device name on Windows, which opens the device instead of a file: with any extension
// ("aux.txt") and spaces before it ("con .txt"), in any case.
bool isWindowsDeviceName(const QString &segment)
{
    static const QStringList devices = [] {
        QStringList names {QStringLiteral("CON"),    QStringLiteral("PRN"),
                           QStringLiteral("AUX"),    QStringLiteral("NUL"),
                           QStringLiteral("CONIN$"), QStringLiteral("CONOUT$")};
        for (const QString &port : {QStringLiteral("COM"), QStringLiteral("LPT")}) {
            for (char digit = '0'; digit <= '9'; ++digit)
                names.append(port + QLatin1Char(digit));
            for (const QChar superscript : {u'\u00b9', u'\u00b2', u'\u00b3'})
                names.append(port + superscript);
        }
        return names;
    }();
    QString stem = segment.section(u'.', 0, 0);
    while (stem.endsWith(u' '))
        stem.chop(1);
    return devices.contains(stem.toUpper());
}

} // namespace

OutputDirectory::OutputDirectory(const QString &rootPath)
    : m_rootPath(rootPath)
{ }

bool OutputDirectory::open(QString *error)
{
    m_canonicalRoot.clear();
    if (m_rootPath.isEmpty())
        return refuse(error, QStringLiteral("no output directory given"));
    if (!QDir().mkpath(m_rootPath))
        return refuse(error,
                      QStringLiteral("cannot create the output directory %1").arg(m_rootPath));
    const QFileInfo info(m_rootPath);
    if (!info.isDir() || !info.isWritable())
        return refuse(error, QStringLiteral("%1 is not a writable directory").arg(m_rootPath));
    m_canonicalRoot = info.canonicalFilePath();
    return !m_canonicalRoot.isEmpty()
        || refuse(error, QStringLiteral("cannot resolve the output directory %1").arg(m_rootPath));
}

bool OutputDirectory::isSafeRelativeName(const QString &name, QString *reason)
{
    if (name.isEmpty())
        return refuse(reason, QStringLiteral("the name is empty"));
    if (name.size() > kMaxNameLength)
        return refuse(reason,
                      QStringLiteral("the name is longer than %1 characters").arg(kMaxNameLength));
    if (name.startsWith(u'/'))
        return refuse(reason, QStringLiteral("absolute paths are not allowed"));
    if (name.size() >= 2 && name.at(1) == u':' && name.at(0).isLetter())
        return refuse(reason, QStringLiteral("drive letters are not allowed"));
    for (const QChar c : name) {
        if (c == u'\\')
            return refuse(reason, QStringLiteral("backslashes are not allowed"));
        if (c.unicode() == 0)
            return refuse(reason, QStringLiteral("NUL characters are not allowed"));
        if (isControl(c.unicode()))
            return refuse(reason, QStringLiteral("control characters are not allowed"));
        if (isBidiControl(c.unicode()))
            return refuse(reason,
                          QStringLiteral("bidirectional control characters (here %1) are not "
                                         "allowed")
                              .arg(codePoint(c.unicode())));
    }
    const QStringList segments = name.split(u'/');
    for (const QString &segment : segments) {
        if (segment.isEmpty())
            return refuse(reason, QStringLiteral("empty path segments are not allowed"));
        if (segment == u"..")
            return refuse(reason, QStringLiteral("\"..\" segments are not allowed"));
        if (segment == u".")
            return refuse(reason, QStringLiteral("\".\" segments are not allowed"));
        if (segment.endsWith(u'.') || segment.endsWith(u' '))
            return refuse(reason,
                          QStringLiteral("\"%1\" ends with a dot or a space, which Windows drops")
                              .arg(printableName(segment)));
        if (isWindowsDeviceName(segment))
            return refuse(
                reason,
                QStringLiteral("\"%1\" is a device name on Windows").arg(printableName(segment)));
    }
    return true;
}

QString OutputDirectory::printableName(const QString &name)
{
    QString text;
    text.reserve(name.size());
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char16_t c = name.at(i).unicode();
        const bool pairStart = QChar::isHighSurrogate(c) && i + 1 < name.size()
            && QChar::isLowSurrogate(name.at(i + 1).unicode());
        if (pairStart) {
            text += name.at(i);
            text += name.at(++i);
        } else if (c == u'"' || c == u'\\') {
            text += u'\\';
            text += QChar(c);
        } else if (isControl(c) || isBidiControl(c) || QChar::isSurrogate(c)) {
            text += QStringLiteral("\\u%1").arg(uint(c), 4, 16, QLatin1Char('0'));
        } else {
            text += QChar(c);
        }
    }
    return text;
}

bool OutputDirectory::isInsideRoot(const QString &canonicalPath) const
{
    return !canonicalPath.isEmpty()
        && (canonicalPath == m_canonicalRoot
            || canonicalPath.startsWith(m_canonicalRoot.endsWith(u'/')
                                            ? m_canonicalRoot
                                            : QString(m_canonicalRoot + u'/')));
}

bool OutputDirectory::write(const QString &name, const QByteArray &bytes, QString *error)
{
    if (!isOpen())
        return refuse(error, QStringLiteral("the output directory is not open"));
    QString reason;
    if (!isSafeRelativeName(name, &reason))
        return refuse(
            error, QStringLiteral("refused file name \"%1\": %2").arg(printableName(name), reason));
    if (!m_claims.canClaim(name, error))
        return false;

    // Walk down segment by segment so that no existing link can lead outside the root.
    const QStringList segments = name.split(u'/');
    QString directory = m_canonicalRoot;
    for (qsizetype i = 0; i + 1 < segments.size(); ++i) {
        const QString path = directory + u'/' + segments.at(i);
        const QFileInfo info(path);
        if (info.isSymLink())
            return refuse(error,
                          QStringLiteral("refused file name \"%1\": %2 is a symbolic link")
                              .arg(printableName(name), path));
        if (info.exists() && !info.isDir())
            return refuse(error,
                          QStringLiteral("cannot write \"%1\": %2 is not a directory")
                              .arg(printableName(name), path));
        if (!info.exists() && !QDir(directory).mkdir(segments.at(i)))
            return refuse(error,
                          QStringLiteral("cannot write \"%1\": cannot create directory %2")
                              .arg(printableName(name), path));
        directory = path;
    }
    if (!isInsideRoot(QFileInfo(directory).canonicalFilePath()))
        return refuse(error,
                      QStringLiteral("refused file name \"%1\": it leads outside %2")
                          .arg(printableName(name), m_canonicalRoot));

    const QString target = directory + u'/' + segments.constLast();
    const QFileInfo targetInfo(target);
    // QSaveFile writes through a link to its target; never follow one.
    if (targetInfo.isSymLink())
        return refuse(error,
                      QStringLiteral("refused file name \"%1\": %2 is a symbolic link")
                          .arg(printableName(name), target));
    if (targetInfo.isDir())
        return refuse(error,
                      QStringLiteral("cannot write \"%1\": %2 is a directory")
                          .arg(printableName(name), target));

    QSaveFile file(target);
    if (!file.open(QIODevice::WriteOnly))
        return refuse(error, QStringLiteral("cannot write %1: %2").arg(target, file.errorString()));
    if (file.write(bytes) != bytes.size() || !file.commit())
        return refuse(error, QStringLiteral("cannot write %1: %2").arg(target, file.errorString()));
    m_claims.claim(name);
    qCDebug(lcClient, "wrote %s (%lld bytes)", qPrintable(target),
            static_cast<long long>(bytes.size()));
    return true;
}

} // namespace inkstream::core
