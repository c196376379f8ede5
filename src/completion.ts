export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** One option as the CLI defines it; `values` lists what it accepts when that is a fixed set. */
export interface CompletionOption {
  long: string;
  short?: string;
  description: string;
  takesValue: boolean;
  values?: readonly string[];
  isFile?: boolean;
}

/** What a completion script offers, taken from the CLI's own definitions and the catalogs. */
export interface CompletionWords {
  subcommands: readonly string[];
  options: readonly CompletionOption[];
  /** Per subcommand, the long options only it takes (`list --status`). */
  commandOptions?: Readonly<Record<string, readonly string[]>>;
  codes: readonly string[];
}

/** Only plain words go into a script: a code with shell metacharacters is left out, never quoted wrongly. */
function words(list: readonly string[]): string {
  return list.filter((w) => /^[A-Za-z0-9._-]+$/.test(w)).join(' ');
}

/** Text safe inside single quotes in zsh and fish descriptions. */
function describe(text: string): string {
  return text.replace(/['\\[\]:]/g, ' ').replace(/\s+/g, ' ').trim();
}

function bash(w: CompletionWords): string {
  // An option's values, after it (\`--provider <TAB>\`) or after its = (\`--provider=<TAB>\`); file names with -o filenames.
  const valueCases = (word: string) =>
    w.options
      .filter((o) => o.takesValue)
      .map((o) => {
        const names = [o.long, o.short].filter(Boolean).join('|');
        const reply = o.isFile ? `compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "${word}") )` : `COMPREPLY=( $(compgen -W "${words(o.values ?? [])}" -- "${word}") )`;
        return `    ${names}) ${reply}; return ;;`;
      })
      .join('\n');
  const own = Object.entries(w.commandOptions ?? {});
  const commandOnly = new Set(own.flatMap(([, list]) => list));
  const mainOptions = w.options.filter((o) => !commandOnly.has(o.long)).map((o) => o.long);
  const commandCases = own.map(([name, list]) => `      ${name}) opts="$opts ${words(list)}" ;;`).join('\n');
  return `# errlookup bash completion: source this file, or save it in your bash_completion.d
_errlookup() {
  local cur prev cmd opts w
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ "$cur" == --*=* ]]; then
    local opt="\${cur%%=*}" val="\${cur#*=}"
    case "$opt" in
${valueCases('$val')}
    esac
    return
  fi
  case "$prev" in
${valueCases('$cur')}
    completion) COMPREPLY=( $(compgen -W "${words(SHELLS)}" -- "$cur") ); return ;;
    help) COMPREPLY=( $(compgen -W "${words(w.subcommands)}" -- "$cur") ); return ;;
  esac
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in ${w.subcommands.filter((s) => /^[a-z]+$/.test(s)).join('|')}) cmd="$w"; break ;; esac
  done
  if [[ "$cur" == -* ]]; then
    opts="${words(mainOptions)}"
    case "$cmd" in
${commandCases}
    esac
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  elif [[ -z "$cmd" ]]; then
    # Subcommands, codes, and files to read (a directory gets its /, a name with spaces stays one word).
    compopt -o filenames 2>/dev/null
    COMPREPLY=( $(compgen -W "${words(w.subcommands)} ${words(w.codes)}" -- "$cur") $(compgen -f -- "$cur") )
  fi
}
complete -F _errlookup errlookup
`;
}

function zsh(w: CompletionWords): string {
  const specs = w.options.map((o) => {
    const names = o.short ? `'(${o.short} ${o.long})'{${o.short},${o.long}}` : `'${o.long}`;
    const open = o.short ? `'` : '';
    const value = !o.takesValue ? '' : o.isFile ? `:file:_files` : o.values ? `:value:(${words(o.values)})` : ':value: ';
    return `    ${names}${open}[${describe(o.description)}]${value}' \\`;
  });
  return `#compdef errlookup
# errlookup zsh completion: save as _errlookup in a directory on your $fpath
_errlookup() {
  _arguments \\
${specs.join('\n')}
    '*:code:(${words(w.subcommands)} ${words(w.codes)})'
}
_errlookup "$@"
`;
}

function fish(w: CompletionWords): string {
  const lines = w.options.map((o) => {
    const short = o.short ? ` -s ${o.short.replace(/^-/, '')}` : '';
    const value = !o.takesValue ? '' : o.isFile ? ' -r -F' : o.values ? ` -x -a '${words(o.values)}'` : ' -x';
    return `complete -c errlookup${short} -l ${o.long.replace(/^--/, '')}${value} -d '${describe(o.description)}'`;
  });
  return `# errlookup fish completion: save as ~/.config/fish/completions/errlookup.fish
complete -c errlookup -f
${lines.join('\n')}
complete -c errlookup -n '__fish_use_subcommand' -a '${words(w.subcommands)}'
complete -c errlookup -n '__fish_seen_subcommand_from completion' -a '${words(SHELLS)}'
complete -c errlookup -n 'not __fish_seen_subcommand_from ${words(w.subcommands)}' -a '${words(w.codes)}'
`;
}

/** A completion script for subcommands, options (and their values), provider ids and catalog codes. */
export function completionScript(shell: Shell, w: CompletionWords): string {
  switch (shell) {
    case 'bash':
      return bash(w);
    case 'zsh':
      return zsh(w);
    case 'fish':
      return fish(w);
    default:
      return shell satisfies never;
  }
}
