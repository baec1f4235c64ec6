#pragma once

#include <QHash>
#include <QString>

namespace inkstream::core {

// The file names one session writes, as a file system will take them. A name is claimed once;
// another name that would be the same file on disk is refused, and the reason names both. Names
// are compared in their on-disk form (onDiskKey()): UTF-8, where every unpaired surrogate becomes
// U+FFFD, then Unicode-normalised and case-folded as macOS and Windows file systems do, so that
// the output is the same wherever it is written or copied. A name cannot be a file where another
// needs a directory, nor the other way round. Whether a name is safe at all is
// OutputDirectory::isSafeRelativeName()'s business.
class FileNameClaims final
{
public:
    // True when `name` is claimed (now or before); false with the reason when it would land on
    // a file or directory another name claimed. A refused name claims nothing.
    bool claim(const QString &name, QString *error = nullptr);
    // What claim() would answer, claiming nothing.
    bool canClaim(const QString &name, QString *error = nullptr) const;
    bool contains(const QString &name) const { return m_keys.contains(name); }
    qsizetype size() const { return m_keys.size(); }

    // The form under which two names are one file on disk.
    static QString onDiskKey(const QString &name);

private:
    QHash<QString, QString> m_keys; // claimed name -> its key
    QHash<QString, QString> m_files; // key -> the name that claimed it
    QHash<QString, QString> m_directories; // key of a directory -> the first name below it
};

} // namespace inkstream::core
