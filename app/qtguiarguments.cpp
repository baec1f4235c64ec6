#include "app/qtguiarguments.h"

namespace inkstream::app {

namespace {

// From the QGuiApplication and QApplication documentation (Qt 6.4): options that take a value
// as the next argument (or after '='), and those that stand alone.
const QStringList &optionsWithValue()
{
    static const QStringList names {QStringLiteral("platform"),
                                    QStringLiteral("platformpluginpath"),
                                    QStringLiteral("platformtheme"),
                                    QStringLiteral("plugin"),
                                    QStringLiteral("qwindowgeometry"),
                                    QStringLiteral("geometry"),
                                    QStringLiteral("qwindowicon"),
                                    QStringLiteral("icon"),
                                    QStringLiteral("qwindowtitle"),
                                    QStringLiteral("title"),
                                    QStringLiteral("session"),
                                    QStringLiteral("display"),
                                    QStringLiteral("name"),
                                    QStringLiteral("style"),
                                    QStringLiteral("stylesheet"),
                                    QStringLiteral("qmljsdebugger")};
    return names;
}

const QStringList &flags()
{
    static const QStringList names {QStringLiteral("reverse"), QStringLiteral("widgetcount"),
                                    QStringLiteral("nograb"),  QStringLiteral("dograb"),
                                    QStringLiteral("sync"),    QStringLiteral("testability")};
    return names;
}

} // namespace

QtGuiArguments::QtGuiArguments(const QStringList &arguments)
{
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == u"--") { // what follows is positional
            m_applicationArguments.append(arguments.mid(i));
            break;
        }
        if (i == 0 || !argument.startsWith(u'-')) {
            m_applicationArguments.append(argument);
            continue;
        }
        // Qt takes both -name and --name.
        QString name = argument.mid(argument.startsWith(u"--") ? 2 : 1);
        QString value;
        const qsizetype equals = name.indexOf(u'=');
        const bool inlineValue = equals >= 0;
        if (inlineValue) {
            value = name.mid(equals + 1);
            name.truncate(equals);
        }
        if (flags().contains(name) && !inlineValue) {
            m_qtArguments.append(argument);
            continue;
        }
        // Only these take their value after '=' (-style=Fusion); Qt reads "-platform=x" as
        // no option of its own, so neither do we.
        static const QStringList inlineForms {QStringLiteral("style"), QStringLiteral("stylesheet"),
                                              QStringLiteral("qmljsdebugger")};
        if (!optionsWithValue().contains(name) || (inlineValue && !inlineForms.contains(name))) {
            m_applicationArguments.append(argument);
            continue;
        }
        m_qtArguments.append(argument);
        if (!inlineValue && i + 1 < arguments.size()) {
            value = arguments.at(++i);
            m_qtArguments.append(value);
        }
        if (name == u"platform")
            m_platform = value;
    }
}

} // namespace inkstream::app
