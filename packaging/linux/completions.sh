#!/usr/bin/env bash
# Writes bash, zsh and fish completion for inkstream from the program's own --help texts, so
# completion never drifts from the options (as manpage.sh does for the man page):
#   packaging/linux/completions.sh INKSTREAM_BINARY OUTPUT_DIR
# OUTPUT_DIR receives bash/inkstream, zsh/_inkstream and fish/inkstream.fish.
set -euo pipefail
binary=$1
out=$2
commands="serve publish watch replay sse-dump"
mkdir -p "$out/bash" "$out/zsh" "$out/fish"

help_of() { QT_QPA_PLATFORM=offscreen "$binary" "$@" --help; }

# One row per option: NAMES (space separated: -x --long --alias) US ARG US DESCRIPTION (US: the
# ASCII unit separator, which, unlike a tab, `read` does not merge when a field is empty),
# where ARG is the value's name (FILE, DIR, URL, ...) or empty for a flag, and DESCRIPTION is the
# option's first sentence (its help text joined across lines).
options_of() {
    help_of "$@" | awk '
        function flush() {
            if (names != "") {
                sub(/\. .*/, "", desc); sub(/\.$/, "", desc)
                printf "%s\037%s\037%s\n", names, arg, desc
            }
            names = ""
        }
        /^Options:/ { inside = 1; next }
        /^[A-Z][a-z ]*:$/ { flush(); inside = 0; next }
        !inside { next }
        /^  -/ {
            flush()
            line = substr($0, 3)
            split(line, parts, /   +/)
            head = parts[1]; desc = substr(line, length(head) + 1); sub(/^ +/, "", desc)
            arg = ""
            if (match(head, /<[^>]+>/)) { arg = substr(head, RSTART + 1, RLENGTH - 2); head = substr(head, 1, RSTART - 2) }
            gsub(/,/, "", head); names = head
            next
        }
        /^ +[^ ]/ { text = $0; sub(/^ +/, "", text); desc = desc " " text; next }
        END { flush() }'
}

# The values an option takes, where its help lists them.
values_of() {
    case $1 in
    DIALECT) help_of | tr '\n' ' ' | sed -e 's/.*The stream format: //' -e 's/ (default.*//' -e 's/ \+/ /g' | tr -d ',' ;;
    KIND) echo "auto sse ws poll socketio" ;;
    THEME) echo "system light dark" ;;
    POLICY) echo "batch always never" ;;
    esac
}

table=$(mktemp)
trap 'rm -f "$table"' EXIT
for command in window $commands; do
    if [ "$command" = window ]; then options_of; else options_of "$command"; fi |
        sed "s/^/$command\x1f/" >> "$table"
done

# ---- bash -----------------------------------------------------------------------------------
{
    echo "# bash completion for inkstream, generated from its --help by completions.sh"
    echo "_inkstream() {"
    echo '    local cur prev words cword'
    echo '    _init_completion || return'
    echo '    local command=window i'
    echo '    for ((i = 1; i < cword; i++)); do'
    echo '        case ${words[i]} in'
    echo "        ${commands// / | }) command=\${words[i]}; break ;;"
    echo '        esac'
    echo '    done'
    echo '    case $command:$prev in'
    while IFS=$'\x1f' read -r command names arg desc; do
        [ -n "$arg" ] || continue
        patterns=""
        for name in $names; do patterns="$patterns${patterns:+ | }$command:$name"; done
        case $arg in
        FILE) action='_filedir' ;;
        DIR) action='_filedir -d' ;;
        *) values=$(values_of "$arg")
            if [ -n "$values" ]; then action="COMPREPLY=(\$(compgen -W '$values' -- \"\$cur\"))"; else action=':'; fi ;;
        esac
        echo "    $patterns) $action; return ;;"
    done < "$table"
    echo '    esac'
    echo '    local options'
    echo '    case $command in'
    for command in window $commands; do
        list=$(awk -F'\037' -v c="$command" '$1 == c { print $2 }' "$table" | tr '\n' ' ')
        echo "    $command) options='${list% }' ;;"
    done
    echo '    esac'
    echo '    if [[ $cur == -* ]]; then'
    echo '        COMPREPLY=($(compgen -W "$options" -- "$cur"))'
    echo '    elif [[ $command == window ]]; then'
    echo "        COMPREPLY=(\$(compgen -W '$commands' -- \"\$cur\"))"
    echo '    elif [[ $command == replay || $command == publish ]]; then'
    echo '        _filedir'
    echo '    fi'
    echo '}'
    echo 'complete -F _inkstream inkstream'
} > "$out/bash/inkstream"

# ---- zsh ------------------------------------------------------------------------------------
zsh_quote() { sed -e "s/'/'\\\\''/g" -e 's/\[/(/g' -e 's/\]/)/g' -e 's/:/ -/g'; }
zsh_specs() {
    awk -F'\037' -v c="$1" '$1 == c { print $2 "\037" $3 "\037" $4 }' "$table" |
        while IFS=$'\x1f' read -r names arg desc; do
            desc=$(zsh_quote <<< "$desc")
            case $arg in
            "") action='' ;;
            FILE) action=":$arg:_files" ;;
            DIR) action=":$arg:_files -/" ;;
            *) values=$(values_of "$arg")
                if [ -n "$values" ]; then action=":$arg:($values)"; else action=":$arg: "; fi ;;
            esac
            for name in $names; do echo "        '$name[$desc]$action' \\"; done
        done
}
{
    echo "#compdef inkstream"
    echo "# zsh completion for inkstream, generated from its --help by completions.sh"
    echo "_inkstream() {"
    echo '    local curcontext=$curcontext state line'
    echo '    if (( CURRENT > 2 )) && [[ ${words[2]} == ('"${commands// /|}"') ]]; then'
    echo '        local command=${words[2]}'
    echo '        shift words; (( CURRENT-- ))'
    echo '        case $command in'
    for command in $commands; do
        echo "        $command)"
        echo "            _arguments -s \\"
        zsh_specs "$command" | sed 's/^/    /'
        case $command in
        replay) echo "                '1:recording:_files'" ;;
        publish) echo "                '1:session URL: ' '*:file:_files'" ;;
        watch | sse-dump) echo "                '1:URL: '" ;;
        *) echo "                && return 0" ;;
        esac
        echo "            ;;"
    done
    echo '        esac'
    echo '    else'
    echo '        _arguments -s \'
    zsh_specs window
    echo "            '1: :(($commands))'"
    echo '    fi'
    echo '}'
    echo '_inkstream "$@"'
} > "$out/zsh/_inkstream"

# ---- fish -----------------------------------------------------------------------------------
{
    echo "# fish completion for inkstream, generated from its --help by completions.sh"
    echo "complete -c inkstream -f"
    echo "complete -c inkstream -n 'not __fish_seen_subcommand_from $commands' -a '$commands'"
    while IFS=$'\x1f' read -r command names arg desc; do
        if [ "$command" = window ]; then
            condition="not __fish_seen_subcommand_from $commands"
        else
            condition="__fish_seen_subcommand_from $command"
        fi
        flags=""
        for name in $names; do
            case $name in
            --*) flags="$flags -l ${name#--}" ;;
            -*) flags="$flags -s ${name#-}" ;;
            esac
        done
        case $arg in
        "") value='' ;;
        FILE) value=' -r -F' ;;
        DIR) value=" -r -x -a '(__fish_complete_directories)'" ;;
        *) values=$(values_of "$arg")
            if [ -n "$values" ]; then value=" -r -x -a '$values'"; else value=' -r -x'; fi ;;
        esac
        desc=${desc//\'/\\\'}
        echo "complete -c inkstream -n '$condition'$flags$value -d '$desc'"
    done < "$table"
    echo "complete -c inkstream -n '__fish_seen_subcommand_from replay publish' -F"
} > "$out/fish/inkstream.fish"
