#!/usr/bin/env bash
# Shell completion as a user meets it: the generated bash, zsh and fish files are loaded into
# the real shells, which are asked what they would complete.
#   tests/cli/completions.sh SOURCE_DIR INKSTREAM_BINARY
set -euo pipefail
source_dir=$1
binary=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$source_dir/packaging/linux/completions.sh" "$binary" "$out"

failed=0
fail() {
    echo "FAIL: $*" >&2
    failed=1
}
# expect_words WHAT ACTUAL WORD... : every WORD is among ACTUAL's words.
expect_words() {
    local what=$1 actual=$2 word
    shift 2
    for word in "$@"; do
        grep -qxF -- "$word" <<< "$(tr ' ' '\n' <<< "$actual")" || fail "$what: '$word' not offered (got: $actual)"
    done
}
# expect_exactly WHAT ACTUAL EXPECTED: the same words, in any order.
expect_exactly() {
    [ "$(tr ' ' '\n' <<< "$2" | sed '/^$/d' | sort -u)" = "$(tr ' ' '\n' <<< "$3" | sed '/^$/d' | sort -u)" ] ||
        fail "$1: offered '$2', expected '$3'"
}

# What each command's --help lists, the reference every shell must offer.
help_options() { QT_QPA_PLATFORM=offscreen "$binary" "$@" --help | sed -n '/^Options:/,/^[A-Z][a-z ]*:$/p' |
    grep -oE '^  (-[A-Za-z], )?--[a-z0-9-]+(, --[a-z0-9-]+)*' | tr -d ',' | tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' '; }

# every_command_offers_its_options SHELL COMPLETER: "inkstream [COMMAND] --<Tab>" offers exactly
# the long options COMMAND's --help lists.
every_command_offers_its_options() {
    local command
    for command in "" serve publish watch replay sse-dump; do
        expect_exactly "$1: inkstream $command --<Tab>" "$("$2" "inkstream $command --")" \
            "$(help_options $command | tr ' ' '\n' | grep -- '^--')"
    done
}

# ---- bash: the completion function as bash-completion runs it -------------------------------
bash_complete() {
    # shellcheck disable=SC2016
    bash -c '
        source /usr/share/bash-completion/bash_completion
        source "$1"; shift
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        read -ra COMP_WORDS <<< "$COMP_LINE"
        [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _inkstream inkstream "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"' bash "$out/bash/inkstream" "$@" | tr '\n' ' '
}
expect_exactly "bash: inkstream <Tab>" "$(bash_complete 'inkstream ')" "serve publish watch replay sse-dump"
expect_exactly "bash: inkstream wa<Tab>" "$(bash_complete 'inkstream wa')" "watch"
every_command_offers_its_options bash bash_complete
expect_exactly "bash: watch --ti<Tab>" "$(bash_complete 'inkstream watch --ti')" "--timeout"
expect_words "bash: --dialect <Tab>" "$(bash_complete 'inkstream --dialect ')" auto native openai anthropic ai-sdk
expect_exactly "bash: --dialect an<Tab>" "$(bash_complete 'inkstream --dialect an')" "anthropic"
expect_exactly "bash: --theme <Tab>" "$(bash_complete 'inkstream --theme ')" "system light dark"
expect_exactly "bash: serve --fsync <Tab>" "$(bash_complete 'inkstream serve --fsync ')" "batch always never"
# Files for FILE, directories for DIR.
mkdir -p "$out/work/somedir" && touch "$out/work/somefile.jsonl"
files_in() { (cd "$out/work" && bash_complete "$1"); }
expect_exactly "bash: watch --record s<Tab>" "$(files_in 'inkstream watch --record s')" "somedir somefile.jsonl"
expect_exactly "bash: watch --output s<Tab>" "$(files_in 'inkstream watch --output s')" "somedir"
expect_exactly "bash: replay s<Tab>" "$(files_in 'inkstream replay s')" "somedir somefile.jsonl"

# ---- fish: complete -C answers as the command line would ------------------------------------
fish_complete() { fish -c "source '$out/fish/inkstream.fish'; complete -C '$1'" | cut -f1 | tr '\n' ' '; }
expect_exactly "fish: inkstream s<Tab>" "$(fish_complete 'inkstream s')" "serve sse-dump"
every_command_offers_its_options fish fish_complete
expect_exactly "fish: --transport <Tab>" "$(fish_complete 'inkstream --transport ')" "auto sse ws poll socketio"
expect_exactly "fish: watch --output s<Tab>" "$(cd "$out/work" && fish_complete 'inkstream watch --output s')" "somedir/"

# ---- zsh: valid, and every option of every command is specified ------------------------------
zsh -n "$out/zsh/_inkstream" || fail "zsh: the completion file does not parse"
zsh_section() { awk -v c="$1" '$1 == c ")" { inside = 1; next } inside && /^ +;;$/ { exit } inside' "$out/zsh/_inkstream"; }
for command in serve publish watch replay sse-dump; do
    offered=$(zsh_section "$command" | grep -oE "^ +'-{1,2}[A-Za-z0-9-]+" | tr -d " '" | tr '\n' ' ')
    expect_exactly "zsh: inkstream $command" "$offered" "$(help_options "$command")"
done
window=$(sed -n '/^    else$/,/^    fi$/p' "$out/zsh/_inkstream" | grep -oE "^ +'-{1,2}[A-Za-z0-9-]+" | tr -d " '" | tr '\n' ' ')
expect_exactly "zsh: inkstream" "$window" "$(help_options)"
grep -q "'--dialect\[.*\]:DIALECT:(auto native " "$out/zsh/_inkstream" || fail "zsh: --dialect values not offered"

if [ "$failed" -ne 0 ]; then
    exit 1
fi
echo "completion: bash, fish and zsh offer every command, option and listed value"
