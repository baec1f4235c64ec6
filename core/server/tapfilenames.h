#pragma once

#include <QHash>
#include <QString>

namespace inkstream::core {

// The file names the tap's replies are writing right now, so that two replies streaming at once
// never write into one file: the second to ask for "sum.js" gets "sum-2.js" (then "sum-3.js",
// ...). A name is held until its writer releases it; a reply that comes later may take it again
// and rewrites the file, as an agent revising its own file does.
class TapFileNames final
{
public:
    // The name `writer` writes `wanted` under: `wanted` itself unless another writer holds it.
    QString claim(const QString &wanted, int writer);
    void release(const QString &name, int writer);
    // Every name `writer` still holds.
    void releaseAll(int writer);
    bool isHeldBy(const QString &name, int writer) const
    {
        return m_holders.value(name, -1) == writer;
    }

    // "sum.js" and 2: "sum-2.js"; "Makefile" and 3: "Makefile-3"; "a/b.tar.gz": "a/b-2.tar.gz".
    static QString numbered(const QString &name, int number);

private:
    QHash<QString, int> m_holders; // name -> the writer holding it
};

} // namespace inkstream::core
