export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const SUBCOMMANDS = ['list', 'providers', 'search', 'completion'];
const OPTIONS = ['--file', '--provider', '--json', '--format', '--retryable', '--no-color', '--status', '--version', '--help'];
const FORMATS = ['human', 'json', 'short', 'github'];

/** Only plain names go into a script: a code with shell metacharacters would be dropped, not quoted wrongly. */
function words(list: readonly string[]): string {
  return list.filter((w) => /^[A-Za-z0-9._-]+$/.test(w)).join(' ');
}

/** A completion script for subcommands, options, provider ids and catalog codes. */
export function completionScript(shell: Shell, providers: readonly string[], codes: readonly string[]): string {
  switch (shell) {
    case 'bash':
      return `# errlookup bash completion: source this file, or save it in your bash_completion.d
_errlookup() {
  local cur prev
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
    --provider|-p) COMPREPLY=( $(compgen -W "${words(providers)}" -- "$cur") ); return ;;
    --format) COMPREPLY=( $(compgen -W "${words(FORMATS)}" -- "$cur") ); return ;;
    --file|-f) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    completion) COMPREPLY=( $(compgen -W "bash zsh fish" -- "$cur") ); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "${words(OPTIONS)}" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "${words(SUBCOMMANDS)} ${words(codes)}" -- "$cur") )
  fi
}
complete -F _errlookup errlookup
`;
    case 'zsh':
      return `#compdef errlookup
# errlookup zsh completion: save as _errlookup in a directory on your $fpath
_errlookup() {
  _arguments \\
    '(-f --file)'{-f,--file}'[read the error report from a file]:file:_files' \\
    '(-p --provider)'{-p,--provider}'[only this provider]:provider:(${words(providers)})' \\
    '--json[print one JSON document]' \\
    '--format[output style]:format:(${words(FORMATS)})' \\
    '--retryable[exit 0 if retrying can help]' \\
    '--no-color[no colour]' \\
    '--status[status or mask]:status:' \\
    '(-v --version)'{-v,--version}'[print the version]' \\
    '(-h --help)'{-h,--help}'[show help]' \\
    '*:code:(${words(SUBCOMMANDS)} ${words(codes)})'
}
_errlookup "$@"
`;
    case 'fish':
      return `# errlookup fish completion: save as ~/.config/fish/completions/errlookup.fish
complete -c errlookup -f
complete -c errlookup -s f -l file -r -F -d 'read the error report from a file'
complete -c errlookup -s p -l provider -x -a '${words(providers)}' -d 'only this provider'
complete -c errlookup -l json -d 'print one JSON document'
complete -c errlookup -l format -x -a '${words(FORMATS)}' -d 'output style'
complete -c errlookup -l retryable -d 'exit 0 if retrying can help'
complete -c errlookup -l no-color -d 'no colour'
complete -c errlookup -l status -x -d 'status or mask such as 4xx'
complete -c errlookup -n '__fish_use_subcommand' -a '${words(SUBCOMMANDS)}'
complete -c errlookup -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'
complete -c errlookup -n 'not __fish_seen_subcommand_from list providers search completion' -a '${words(codes)}'
`;
    default:
      return shell satisfies never;
  }
}
