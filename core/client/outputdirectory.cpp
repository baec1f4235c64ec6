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
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return refuse(reason, QStringLiteral("control characters are not allowed"));
    }
    const QStringList segments = name.split(u'/');
    for (const QString &segment : segments) {
        if (segment.isEmpty())
            return refuse(reason, QStringLiteral("empty path segments are not allowed"));
        if (segment == u"..")
            return refuse(reason, QStringLiteral("\"..\" segments are not allowed"));
        if (segment == u".")
            return refuse(reason, QStringLiteral("\".\" segments are not allowed"));
    }
    return true;
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
        return refuse(error, QStringLiteral("refused file name \"%1\": %2").arg(name, reason));

    // Walk down segment by segment so that no existing link can lead outside the root.
    const QStringList segments = name.split(u'/');
    QString directory = m_canonicalRoot;
    for (qsizetype i = 0; i + 1 < segments.size(); ++i) {
        const QString path = directory + u'/' + segments.at(i);
        const QFileInfo info(path);
        if (info.isSymLink())
            return refuse(
                error,
                QStringLiteral("refused file name \"%1\": %2 is a symbolic link").arg(name, path));
        if (info.exists() && !info.isDir())
            return refuse(
                error,
                QStringLiteral("cannot write \"%1\": %2 is not a directory").arg(name, path));
        if (!info.exists() && !QDir(directory).mkdir(segments.at(i)))
            return refuse(
                error,
                QStringLiteral("cannot write \"%1\": cannot create directory %2").arg(name, path));
        directory = path;
    }
    if (!isInsideRoot(QFileInfo(directory).canonicalFilePath()))
        return refuse(error,
                      QStringLiteral("refused file name \"%1\": it leads outside %2")
                          .arg(name, m_canonicalRoot));

    const QString target = directory + u'/' + segments.constLast();
    const QFileInfo targetInfo(target);
    // QSaveFile writes through a link to its target; never follow one.
    if (targetInfo.isSymLink())
        return refuse(
            error,
            QStringLiteral("refused file name \"%1\": %2 is a symbolic link").arg(name, target));
    if (targetInfo.isDir())
        return refuse(error,
                      QStringLiteral("cannot write \"%1\": %2 is a directory").arg(name, target));

    QSaveFile file(target);
    if (!file.open(QIODevice::WriteOnly))
        return refuse(error, QStringLiteral("cannot write %1: %2").arg(target, file.errorString()));
    if (file.write(bytes) != bytes.size() || !file.commit())
        return refuse(error, QStringLiteral("cannot write %1: %2").arg(target, file.errorString()));
    qCDebug(lcClient, "wrote %s (%lld bytes)", qPrintable(target),
            static_cast<long long>(bytes.size()));
    return true;
}

} // namespace inkstream::core
