#include "app/publishcommand.h"

#include "app/commandline.h"
#include "app/terminalstatusline.h"
#include "app/tokenoptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QStringDecoder>
#include <QTextStream>
#include <QUrl>
#include <QUrlQuery>

namespace inkstream::app {

namespace {

struct Reply
{
    int status = 0; // HTTP status; 0 when no response arrived
    QJsonObject body; // parsed JSON body, when it was JSON
    QString networkError; // set when no response arrived
};

Reply postJson(QNetworkAccessManager &manager, const QUrl &url, const QByteArray &token,
               const QJsonObject &body, int timeoutMs)
{
    QNetworkRequest request(url);
    if (!token.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Authorization"), "Bearer " + token);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply
        = manager.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();

    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = QJsonDocument::fromJson(reply->readAll()).object();
    if (result.status == 0)
        result.networkError = reply->errorString();
    reply->deleteLater();
    return result;
}

// "400 invalid file name: the file name climbs out ...", or the network error.
QString describeFailure(const Reply &reply)
{
    if (reply.status == 0)
        return reply.networkError;
    QString text = QString::number(reply.status);
    const QString error = reply.body.value(QStringLiteral("error")).toString();
    const QString detail = reply.body.value(QStringLiteral("detail")).toString();
    if (!error.isEmpty())
        text += QStringLiteral(" ") + error;
    if (!detail.isEmpty())
        text += QStringLiteral(": ") + detail;
    return text;
}

// Accepts http(s)://HOST:PORT/api/sessions/ID, with or without a trailing "/stream" or "/".
QUrl sessionUrlFrom(const QString &text)
{
    QUrl url = QUrl::fromUserInput(text);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https"))
        return {};
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (path.endsWith(QStringLiteral("/stream")))
        path.chop(7);
    const qsizetype marker = path.lastIndexOf(QStringLiteral("/api/sessions/"));
    if (marker < 0 || path.mid(marker + 14).isEmpty() || path.mid(marker + 14).contains(u'/'))
        return {};
    url.setPath(path);
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

struct SourceFile
{
    QString path;
    QString name;
    QString content;
};

} // namespace

int PublishCommand::run(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Hands files to an Inkstream publisher, which types them into the session for its\n"
        "viewers. Each file is published under its base name. Exits non-zero with the\n"
        "publisher's error message when it refuses a file."));
    CommandLine::addStandardOptions(&parser);
    parser.addPositionalArgument(QStringLiteral("publish"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(QStringLiteral("SESSION_URL"),
                                 QStringLiteral("http://HOST:PORT/api/sessions/ID"));
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QStringLiteral("Files to publish (UTF-8)."),
                                 QStringLiteral("FILE..."));
    const QCommandLineOption chunkOption(QStringLiteral("chunk-size"),
                                         QStringLiteral("Characters (code points) per delta."),
                                         QStringLiteral("N"));
    const QCommandLineOption delayOption(QStringLiteral("delay-ms"),
                                         QStringLiteral("Milliseconds between deltas."),
                                         QStringLiteral("N"));
    const QCommandLineOption asOption(QStringLiteral("as"),
                                      QStringLiteral("Publish the single FILE under NAME."),
                                      QStringLiteral("NAME"));
    const QCommandLineOption instantOption(QStringLiteral("instant"),
                                           QStringLiteral("Publish files whole, without typing."));
    const QCommandLineOption completeOption(
        QStringLiteral("complete"),
        QStringLiteral("Mark the session complete once the files have been typed."));
    const TokenOptions tokenOptions(
        QStringLiteral("The publisher's publish token (default: a ?token= in SESSION_URL, else "
                       "INKSTREAM_TOKEN). Sent as Authorization: Bearer, never printed."));
    const QCommandLineOption timeoutOption(
        QStringLiteral("timeout"), QStringLiteral("Seconds to wait for each request (default 30)."),
        QStringLiteral("SECONDS"), QStringLiteral("30"));
    parser.addOptions({chunkOption, delayOption, asOption, instantOption, completeOption});
    parser.addOptions(tokenOptions.options());
    parser.addOption(timeoutOption);
    const CommandLine commandLine(QStringLiteral("publish"));
    if (const auto status = commandLine.parse(&parser, arguments))
        return *status;

    const QStringList positional = parser.positionalArguments().mid(1);
    if (positional.size() < 2) {
        err << "inkstream publish: needs SESSION_URL and at least one FILE (see --help)\n";
        return CommandLine::Usage;
    }
    const QUrl sessionUrl = sessionUrlFrom(positional.at(0));
    if (sessionUrl.isEmpty()) {
        err << "inkstream publish: " << positional.at(0)
            << " is not a session URL (http://HOST:PORT/api/sessions/ID)\n";
        return CommandLine::Usage;
    }
    // The token: an option, a file, the URL's ?token= (moved to the header: a URL ends up in
    // logs and error messages), else the environment.
    QByteArray token;
    QString tokenError;
    if (!tokenOptions.read(parser,
                           QUrlQuery(QUrl::fromUserInput(positional.at(0)))
                               .queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded)
                               .toUtf8(),
                           QStringLiteral("the URL's ?token="), {QStringLiteral("INKSTREAM_TOKEN")},
                           &token, &tokenError))
        return commandLine.usageError(tokenError);
    const QStringList paths = positional.mid(1);
    if (parser.isSet(asOption) && paths.size() != 1) {
        err << "inkstream publish: --as renames a single file, but " << paths.size()
            << " files were given\n";
        return CommandLine::Usage;
    }
    QJsonObject options;
    bool ok = true;
    if (parser.isSet(chunkOption)) {
        const int chunkSize = parser.value(chunkOption).toInt(&ok);
        if (!ok || chunkSize < 1) {
            err << "inkstream publish: --chunk-size needs a positive number\n";
            return CommandLine::Usage;
        }
        options.insert(QStringLiteral("chunkSize"), chunkSize);
    }
    if (parser.isSet(delayOption)) {
        const int delayMs = parser.value(delayOption).toInt(&ok);
        if (!ok || delayMs < 0) {
            err << "inkstream publish: --delay-ms needs a number of milliseconds\n";
            return CommandLine::Usage;
        }
        options.insert(QStringLiteral("delayMs"), delayMs);
    }
    if (parser.isSet(instantOption))
        options.insert(QStringLiteral("instant"), true);
    const int timeoutSeconds = parser.value(timeoutOption).toInt(&ok);
    if (!ok || timeoutSeconds < 1) {
        err << "inkstream publish: --timeout needs a positive number of seconds\n";
        return CommandLine::Usage;
    }

    // Read and check every file before publishing any, so a bad one publishes nothing.
    QList<SourceFile> files;
    for (const QString &path : paths) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            err << "inkstream publish: cannot read " << path << ": " << file.errorString() << '\n';
            return CommandLine::Error;
        }
        // Keep a byte order mark: the viewer's copy must be byte-identical.
        QStringDecoder decoder(QStringDecoder::Utf8,
                               QStringDecoder::Flag::Stateless
                                   | QStringDecoder::Flag::ConvertInitialBom);
        QString content = decoder.decode(file.readAll());
        if (decoder.hasError()) {
            err << "inkstream publish: " << path << " is not valid UTF-8\n";
            return CommandLine::Error;
        }
        const QString name
            = parser.isSet(asOption) ? parser.value(asOption) : QFileInfo(path).fileName();
        files.append(SourceFile {path, name, std::move(content)});
    }

    QNetworkAccessManager manager;
    const int timeoutMs = timeoutSeconds * 1000;
    QUrl filesUrl = sessionUrl;
    filesUrl.setPath(sessionUrl.path() + QStringLiteral("/files"));
    const bool showProgress = !commandLine.isQuiet() && TerminalStatusLine::isAvailable();
    for (qsizetype i = 0; i < files.size(); ++i) {
        const SourceFile &file = files.at(i);
        if (showProgress)
            TerminalStatusLine::show(
                QStringLiteral("publish: sending %1 (%2 of %3, %4)…")
                    .arg(file.name)
                    .arg(i + 1)
                    .arg(files.size())
                    .arg(QLocale().formattedDataSize(file.content.toUtf8().size(), 1,
                                                     QLocale::DataSizeSIFormat)));
        QJsonObject body = options;
        body.insert(QStringLiteral("fileName"), file.name);
        body.insert(QStringLiteral("content"), file.content);
        const Reply reply = postJson(manager, filesUrl, token, body, timeoutMs);
        TerminalStatusLine::clear();
        if (reply.status < 200 || reply.status >= 300) {
            err << "inkstream publish: " << file.path << " was refused by " << filesUrl.toString()
                << ": " << describeFailure(reply) << '\n';
            return CommandLine::Error;
        }
        out << "published " << file.name << " ("
            << reply.body.value(QStringLiteral("chunks")).toInteger() << " chunks)\n";
        out.flush();
    }

    if (parser.isSet(completeOption)) {
        QUrl completeUrl = sessionUrl;
        completeUrl.setPath(sessionUrl.path() + QStringLiteral("/complete"));
        const Reply reply = postJson(manager, completeUrl, token, {}, timeoutMs);
        if (reply.status < 200 || reply.status >= 300) {
            err << "inkstream publish: completing the session was refused by "
                << completeUrl.toString() << ": " << describeFailure(reply) << '\n';
            return CommandLine::Error;
        }
        out << "session marked complete\n";
    }
    return 0;
}

} // namespace inkstream::app
