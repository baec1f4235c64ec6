#include "ui/highlighting/highlighterbackend.h"

#include "ui/highlighting/rulebackend.h"
#ifdef INKSTREAM_HAVE_KSYNTAXHIGHLIGHTING
#include "ui/highlighting/ksyntaxbackend.h"
#endif

namespace inkstream::ui {

std::unique_ptr<HighlighterBackend> createHighlighterBackend()
{
#ifdef INKSTREAM_HAVE_KSYNTAXHIGHLIGHTING
    return std::make_unique<KSyntaxBackend>();
#else
    return std::make_unique<RuleBackend>();
#endif
}

} // namespace inkstream::ui
