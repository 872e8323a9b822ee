/**
 * Completion scripts for `kubectl-egress` used on its own. Both ask `kubectl-egress __complete`
 * (Cobra's protocol, as kubectl does for `kubectl egress`), so all three complete alike; they are
 * written by hand, not with yargs' `.completion()`, which knows neither that protocol nor the
 * namespaces and contexts.
 */

export const BASH_SCRIPT = `# bash completion for kubectl-egress: source <(kubectl-egress completion bash)
_kubectl_egress() {
  local line=\${COMP_LINE:0:COMP_POINT} out directive cur value candidate
  local -a words
  # Split on blanks only, so that --output=js stays one word, as kubectl-egress reads it.
  read -ra words <<< "$line"
  [[ $line == *[[:blank:]] ]] && words+=('')
  cur=\${words[\${#words[@]}-1]}
  out=$("\${words[0]}" __complete "\${words[@]:1}" 2>/dev/null) || return 0
  directive=\${out##*:}
  out=\${out%:*}
  COMPREPLY=()
  while IFS= read -r candidate; do
    [[ -n $candidate ]] && COMPREPLY+=("\${candidate%%$'\\t'*}")
  done <<< "$out"
  # bash replaces only the part of the word after its last = or : (COMP_WORDBREAKS): for
  # --output=js the candidates are values already; a context named arn:aws:eks:… loses its head.
  value=$cur
  [[ $value == -*=* ]] && value=\${value#*=}
  if [[ $value == *:* && $COMP_WORDBREAKS == *:* ]]; then
    COMPREPLY=("\${COMPREPLY[@]#"\${value%:*}:"}")
  fi
  # Directive 4 (no file completion) unset and nothing offered: complete file names.
  if (( \${#COMPREPLY[@]} == 0 && (directive & 4) == 0 )); then
    compopt -o default 2>/dev/null
  fi
}
complete -F _kubectl_egress kubectl-egress
`;

export const ZSH_SCRIPT = `#compdef kubectl-egress
# zsh completion for kubectl-egress: kubectl-egress completion zsh > "\${fpath[1]}/_kubectl-egress"
compdef _kubectl-egress kubectl-egress

_kubectl-egress() {
  local out directive cur=\${words[CURRENT]} line name
  local -a lines candidates prefix
  out=$("\${words[1]}" __complete "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  lines=("\${(@f)out}")
  directive=\${lines[-1]#:}
  for line in "\${(@)lines[1,-2]}"; do
    [[ -z $line ]] && continue
    # _describe takes name:description; a colon in a name (arn:aws:eks:…) is escaped.
    name=\${\${line%%$'\\t'*}//:/\\\\:}
    if [[ $line == *$'\\t'* ]]; then candidates+=("$name:\${line#*$'\\t'}"); else candidates+=("$name"); fi
  done
  # For --output=js the candidates are values: put the flag back in front, as Cobra's script does.
  [[ $cur == -*=* ]] && prefix=(-P "\${cur%%=*}=")
  if (( \${#candidates} )); then
    _describe -t values 'kubectl-egress' candidates "\${prefix[@]}"
  elif (( (directive & 4) == 0 )); then
    _files
  fi
}

# Autoloaded from fpath this file is the function's body: define it, then run it.
if [[ "\${funcstack[1]}" == _kubectl-egress ]]; then
  _kubectl-egress "$@"
fi
`;
