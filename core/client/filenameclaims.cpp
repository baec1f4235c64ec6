#include "core/client/filenameclaims.h"

#include "core/client/outputdirectory.h"

#include <QFile>
#include <QStringList>

namespace inkstream::core {

namespace {

bool refuse(QString *out, const QString &reason)
{
    if (out)
        *out = reason;
    return false;
}

} // namespace

QString FileNameClaims::onDiskKey(const QString &name)
{
    // What the file system is given (QFile encodes names as UTF-8; an unpaired surrogate
    // becomes U+FFFD), then canonical caseless matching: NFD, case folding, NFD again.
    const QString stored = QString::fromUtf8(QFile::encodeName(name));
    return stored.normalized(QString::NormalizationForm_D)
        .toCaseFolded()
        .normalized(QString::NormalizationForm_D);
}

bool FileNameClaims::claim(const QString &name, QString *error)
{
    if (m_keys.contains(name))
        return true;
    if (!canClaim(name, error))
        return false;
    const QString key = onDiskKey(name);
    m_keys.insert(name, key);
    m_files.insert(key, name);
    const QStringList segments = key.split(u'/');
    for (qsizetype i = 1; i < segments.size(); ++i) {
        const QString directory = segments.mid(0, i).join(u'/');
        if (!m_directories.contains(directory))
            m_directories.insert(directory, name);
    }
    return true;
}

bool FileNameClaims::canClaim(const QString &name, QString *error) const
{
    if (m_keys.contains(name))
        return true;
    const QString key = onDiskKey(name);
    const auto quoted = [](const QString &text) -> QString {
        return u'"' + OutputDirectory::printableName(text) + u'"';
    };
    const QString refused = QStringLiteral("refused file name %1: ").arg(quoted(name));

    if (const auto file = m_files.constFind(key); file != m_files.cend())
        return refuse(error,
                      refused
                          + QStringLiteral("it would be the same file on disk as %1, which "
                                           "came first")
                                .arg(quoted(*file)));
    if (const auto below = m_directories.constFind(key); below != m_directories.cend())
        return refuse(error,
                      refused
                          + QStringLiteral("it would be a file where %1 needs a directory")
                                .arg(quoted(*below)));
    const QStringList segments = key.split(u'/');
    for (qsizetype i = 1; i < segments.size(); ++i) {
        const auto file = m_files.constFind(segments.mid(0, i).join(u'/'));
        if (file != m_files.cend())
            return refuse(error,
                          refused
                              + QStringLiteral("it would need the file %1 to be a directory")
                                    .arg(quoted(*file)));
    }
    return true;
}

} // namespace inkstream::core
