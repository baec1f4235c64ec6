#include "core/server/catchupreader.h"

namespace inkstream::core {

namespace {

QString fileKey(const QString &fileName)
{
    return QStringLiteral("f/") + fileName;
}

QString chatKey(const QString &messageId)
{
    return QStringLiteral("c/") + messageId;
}

const QString kProgressKey = QStringLiteral("p");

} // namespace

CatchUpReader::CatchUpReader(const SessionLog *log, quint64 after)
    : m_reader(log->readAfter(after))
    , m_walked(after)
    , m_position(after)
{ }

std::optional<Event> CatchUpReader::next(quint64 limit)
{
    while (true) {
        if (!m_pieces.empty() && !m_pieces.front().open)
            return takeFront();
        std::optional<Event> event;
        if (m_walked < limit && m_error.isEmpty()) {
            event = m_reader->next();
            if (!event && !m_reader->error().isEmpty())
                m_error = m_reader->error();
        }
        if (!event) {
            // Nothing more to read before `limit`: what is gathered goes out as it is.
            closeAll();
            if (m_pieces.empty())
                return std::nullopt;
            continue;
        }
        m_walked = event->sequence;
        absorb(std::move(*event));
        if (m_walked > kLookahead && (m_walked & 63) == 0)
            closeOlderThan(m_walked - kLookahead);
    }
}

namespace {

// Whether `next` carries on right where `piece` ends (same file or message, next offset).
bool continues(const CodeEvent &piece, const CodeEvent &next)
{
    return piece.offset + piece.delta.size() == next.offset;
}

bool continues(const ChatEvent &piece, const ChatEvent &next)
{
    return piece.role == next.role && piece.offset + piece.delta.size() == next.offset;
}

} // namespace

template<typename Payload>
void CatchUpReader::absorbText(Event event, const QString &key, bool joinable)
{
    if (joinable) {
        const auto &next = std::get<Payload>(event.payload);
        if (const auto open = m_openPieces.constFind(key); open != m_openPieces.cend()) {
            auto &piece = std::get<Payload>(m_pieces.at(size_t(*open - m_taken)).event.payload);
            if (continues(piece, next)
                && piece.delta.size() + next.delta.size() <= kPieceCharacters) {
                piece.delta += next.delta;
                return;
            }
        }
    }
    close(key);
    if (joinable)
        add(std::move(event), key, true);
    else
        add(std::move(event), {}, false);
}

void CatchUpReader::absorb(Event event)
{
    if (const auto *code = std::get_if<CodeEvent>(&event.payload)) {
        const QString key = fileKey(code->fileName);
        const bool joinable = code->type == CodeEvent::Type::Delta && code->offset >= 0;
        absorbText<CodeEvent>(std::move(event), key, joinable);
        return;
    }
    if (const auto *chat = std::get_if<ChatEvent>(&event.payload)) {
        const QString key = chatKey(chat->messageId);
        const bool joinable = chat->type != ChatEvent::Type::Complete && chat->offset >= 0;
        absorbText<ChatEvent>(std::move(event), key, joinable);
        return;
    }
    if (std::holds_alternative<ProgressEvent>(event.payload)) {
        // Only the latest progress matters: it replaces the one gathered (setting progress is
        // the same whether it comes early or again).
        if (const auto open = m_openPieces.constFind(kProgressKey); open != m_openPieces.cend()) {
            m_pieces.at(size_t(*open - m_taken)).event.payload = std::move(event.payload);
            return;
        }
        add(std::move(event), kProgressKey, true);
        return;
    }
    add(std::move(event), {}, false);
}

void CatchUpReader::add(Event event, const QString &key, bool open)
{
    if (open)
        m_openPieces.insert(key, m_taken + qsizetype(m_pieces.size()));
    m_pieces.push_back(Piece {std::move(event), key, open});
}

void CatchUpReader::close(const QString &key)
{
    const auto open = m_openPieces.constFind(key);
    if (open == m_openPieces.cend())
        return;
    m_pieces.at(size_t(*open - m_taken)).open = false;
    m_openPieces.erase(open);
}

void CatchUpReader::closeOlderThan(quint64 sequence)
{
    for (auto it = m_openPieces.begin(); it != m_openPieces.end();) {
        Piece &piece = m_pieces.at(size_t(it.value() - m_taken));
        if (piece.event.sequence < sequence) {
            piece.open = false;
            it = m_openPieces.erase(it);
        } else {
            ++it;
        }
    }
}

void CatchUpReader::closeAll()
{
    for (const qsizetype index : std::as_const(m_openPieces))
        m_pieces.at(size_t(index - m_taken)).open = false;
    m_openPieces.clear();
}

Event CatchUpReader::takeFront()
{
    Event event = std::move(m_pieces.front().event);
    m_pieces.pop_front();
    ++m_taken;
    // Everything before the next piece's first event belongs to this piece or to earlier ones.
    const quint64 first = event.sequence;
    const quint64 last = m_pieces.empty() ? m_walked : m_pieces.front().event.sequence - 1;
    event.sequence = last;
    event.firstSequence = first < last ? first : 0;
    m_position = last;
    return event;
}

} // namespace inkstream::core
