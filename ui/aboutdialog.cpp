#include "ui/aboutdialog.h"

#include "ui/viewerstatestore.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSysInfo>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace inkstream::ui {

namespace {

QLabel *selectable(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

} // namespace

QString AboutDialog::homepage()
{
    return QStringLiteral("https://github.com/inkstream/inkstream");
}

QString AboutDialog::bugTracker()
{
    return QStringLiteral("https://github.com/inkstream/inkstream/issues");
}

AboutDialog::AboutDialog(const QString &highlighter, QWidget *parent)
    : QDialog(parent)
    , m_tabs(new QTabWidget(this))
    , m_copy(new QPushButton(tr("&Copy to Clipboard"), this))
{
    setWindowTitle(tr("About Inkstream"));
    setObjectName(QStringLiteral("aboutDialog"));

    // About: who and what.
    auto *about = new QWidget(m_tabs);
    auto *aboutLayout = new QVBoxLayout(about);
    auto *heading = new QHBoxLayout;
    auto *icon = new QLabel(about);
    icon->setPixmap(QGuiApplication::windowIcon().pixmap(64, 64));
    icon->setAccessibleName(tr("Inkstream icon"));
    auto *title = new QLabel(
        tr("<h2>Inkstream %1</h2><p>Watch an AI write code, live.</p>").arg(INKSTREAM_VERSION),
        about);
    heading->addWidget(icon);
    heading->addWidget(title, 1);
    aboutLayout->addLayout(heading);
    auto *text = new QLabel(
        tr("<p>Files stream into a code editor as they are written, the AI's narration into the "
           "chat, and a tracker follows the session. The same program publishes sessions to any "
           "number of viewers.</p>"
           "<p>© 2026 The Inkstream developers. Released under the MIT licence.</p>"
           "<p><a href=\"%1\">%1</a><br>Report a problem: <a href=\"%2\">%2</a></p>")
            .arg(homepage(), bugTracker()),
        about);
    text->setWordWrap(true);
    text->setOpenExternalLinks(true);
    text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    aboutLayout->addWidget(text);
    aboutLayout->addStretch(1);
    m_tabs->addTab(about, tr("&About"));

    // Components and paths: what a bug report needs.
    const QList<std::pair<QString, QString>> components {
        {tr("Inkstream"), QStringLiteral(INKSTREAM_VERSION)},
        {tr("Qt (running)"), QString::fromLatin1(qVersion())},
        {tr("Qt (built with)"), QStringLiteral(QT_VERSION_STR)},
        {tr("Syntax highlighting"), highlighter},
        {tr("Display"), QGuiApplication::platformName()},
        {tr("System"),
         QSysInfo::prettyProductName() + QStringLiteral(" (") + QSysInfo::currentCpuArchitecture()
             + u')'},
    };
    const QList<std::pair<QString, QString>> paths {
        {tr("Settings"), QSettings().fileName()},
        {tr("Viewer state"), ViewerStateStore::directory()},
    };
    QStringList lines;
    for (const auto &[tab, facts] :
         {std::pair {tr("Co&mponents"), components}, std::pair {tr("&Paths"), paths}}) {
        auto *page = new QWidget(m_tabs);
        auto *form = new QFormLayout(page);
        for (const auto &[name, value] : facts) {
            form->addRow(name + u':', selectable(value, page));
            lines << name + QStringLiteral(": ") + value;
        }
        m_tabs->addTab(page, tab);
    }
    m_report = lines.join(u'\n');

    m_copy->setToolTip(tr("Copy the versions and paths, for a bug report"));
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_report);
        m_copy->setText(tr("Copied ✓"));
        QTimer::singleShot(1500, m_copy,
                           [copy = m_copy] { copy->setText(tr("&Copy to Clipboard")); });
    });
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_copy, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
    layout->addWidget(buttons);
    resize(520, 360);
}

} // namespace inkstream::ui
