#include "core/server/tapfilenames.h"

#include <QList>

namespace inkstream::core {

QString TapFileNames::numbered(const QString &name, int number)
{
    const qsizetype slash = name.lastIndexOf(u'/');
    // The first dot of the last segment, not at its start (".env" has no extension).
    const qsizetype dot = name.indexOf(u'.', slash + 2);
    const QString suffix = QStringLiteral("-%1").arg(number);
    if (dot < 0)
        return name + suffix;
    return name.left(dot) + suffix + name.mid(dot);
}

QString TapFileNames::claim(const QString &wanted, int writer)
{
    QString name = wanted;
    for (int number = 2; m_holders.contains(name) && m_holders.value(name) != writer; ++number)
        name = numbered(wanted, number);
    m_holders.insert(name, writer);
    return name;
}

void TapFileNames::release(const QString &name, int writer)
{
    const auto it = m_holders.constFind(name);
    if (it != m_holders.cend() && *it == writer)
        m_holders.erase(it);
}

void TapFileNames::releaseAll(int writer)
{
    m_holders.removeIf([writer](const auto &entry) { return entry.value() == writer; });
}

} // namespace inkstream::core
