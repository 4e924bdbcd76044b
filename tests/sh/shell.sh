# The shell itself (busybox ash): pipelines, redirections, here-documents,
# command substitution, arithmetic, parameter expansion, functions and
# local, case, loops, traps, set -e and set -u, subshells, exit statuses,
# read and IFS, globbing, eval, getopts, command -v and type.
# Looks for a shell whose fork, exec, pipes, waits or file descriptors
# misbehave under ExOS: every construct here makes processes or moves
# descriptors, and prints what it got.

trap 'echo "EXIT trap ran, status $?"' EXIT

echo "== pipelines and statuses"
echo one | cat | cat | tr o 0
true | false; echo "true|false: $?"
false | true; echo "false|true: $?"
! true; echo "! true: $?"
! false; echo "! false: $?"
set -o pipefail
false | true; echo "pipefail: $?"
(exit 3) | true; echo "pipefail 3: $?"
set +o pipefail
(exit 7); echo "subshell exit: $?"
sh -c 'exit 42'; echo "sh -c exit: $?"
nonexistent-command 2>/dev/null; echo "not found: $?"
./ 2>/dev/null; echo "directory: $?"
printf '#!/bin/sh\necho script with args: "$@"\nexit 5\n' > scr
chmod +x scr
./scr a 'b c'; echo "script: $?"
printf '#!/bin/sh -e\nfalse\necho not reached\n' > scr-e
chmod +x scr-e; ./scr-e; echo "#!/bin/sh -e: $?"
printf 'echo no exec bit\n' > noexec
./noexec 2>/dev/null; echo "no exec bit: $?"
sh noexec
true && echo "and: ran"
false && echo "and: not run"
false || echo "or: ran"
true || echo "or: not run"
if false; then echo no; elif true; then echo elif; else echo no; fi

echo "== redirections"
echo out; echo err >&2
{ echo to-out; echo to-err >&2; } 2>&1 | sed 's/^/piped: /'
{ echo to-out; echo to-err >&2; } 2>/dev/null
{ echo to-out; echo to-err >&2; } >/dev/null 2>&1; echo "silenced: $?"
ls nothing 2>&1 >/dev/null | sed 's/^/only stderr: /'
echo a > f; echo b >> f; cat f
cat < f | wc -l
exec 5>&1; echo "to fd 5" >&5; exec 5>&-
printf 'abc\n' > rw; exec 3<>rw; read -r l <&3; echo X >&3; exec 3>&-
echo "read $l"; cat rw
echo "x" 1>&2 2>/dev/null | cat
( echo from-subshell >&2 ) 2>&1 | cat
cat <<EOT
here-document with $((1 + 1)) and $(echo substitution)
	tab kept
EOT
cat <<'EOT'
quoted: $HOME $(not run) `neither`
EOT
cat <<-EOT
	leading tabs stripped
	EOT
cat <<EOT | tr a-z A-Z
piped here-document
EOT
while read -r l; do echo "got: $l"; done <<EOT
l1
l2 with  spaces
EOT
read -r x y <<EOT
first second third
EOT
echo "x=$x y=$y"

echo "== substitution"
echo "now $(echo nested $(echo deeper))"
echo `echo back` `echo quotes`
n=$(printf 'a\nb\n\n\n'); echo "trailing newlines gone: [$n]"
echo "$(false)"; echo "status of empty substitution: $?"
v=$(exit 9); echo "assignment status: $?"
echo "$(cat f | wc -l) lines"
echo "$(seq 3000 | wc -l) lines from a bigger substitution"

echo "== arithmetic"
echo $((1 + 2 * 3)) $(( (1 + 2) * 3 )) $((7 / 2)) $((7 % 3)) $((-7 / 2))
echo $((1 << 10)) $((255 & 15)) $((8 | 1)) $((6 ^ 3)) $((~0))
echo $((3 > 2)) $((3 == 2)) $((1 && 0)) $((1 || 0)) $((!5))
i=5; echo $((i += 2)) $((i++)) $i $((--i))
echo $((0x1f)) $((010)) $((2 > 1 ? 10 : 20))
echo $((9223372036854775807 + 1))
a=3 b=4; echo $((a * a + b * b))
sh -c 'echo $((1 / 0))' 2>&1; echo "division by zero: $?"

echo "== parameters"
v=value
echo ${v} ${#v} ${v#va} ${v%ue} ${v##*a} ${v%%l*}
echo ${unset:-default} ${unset-dash} "${empty=}" ${v:+alt} ${unset:+alt}
echo ${v:1:3} ${v/al/AL} ${v//e/E}
: ${assigned:=now}; echo $assigned
( : ${must:?must be set} ) 2>&1; echo "?: $?"
set -- one "two three" four
echo $# "$1" "$2" "$3"
for a in "$@"; do echo "[$a]"; done
for a in $*; do echo "<$a>"; done
shift; echo $# "$@"
shift 5 2>/dev/null; echo "shift too far: $?"
set --; echo "none: $#"
echo "$0" | grep -c 'shell.sh$'
x=1; y=$x$x; echo $y
readonly r=fixed
(r=changed) 2>&1; echo "readonly: $?"
unset v; echo "unset: [${v-gone}]"
export E=exported; sh -c 'echo "child sees $E"'
N=notexported; sh -c 'echo "child sees [$N]"'
L=local-to-command sh -c 'echo "child sees $L"'; echo "after: [${L-}]"

echo "== functions"
f() { echo "f got $# args: $*"; return 3; }
f a b; echo "f returned $?"
g() { local v=inner; echo "g: $v"; h; }
h() { echo "h sees $v"; }
v=outer; g; echo "after g: $v"
fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }
fact 10
count() { local n=0; while [ $n -lt $1 ]; do n=$((n + 1)); done; echo $n; }
count 200
early() { for i in 1 2 3; do [ $i = 2 ] && return $i; done; }
early; echo "early return: $?"
unset -f f; f 2>/dev/null; echo "unset function: $?"

echo "== case"
for w in apple Banana cherry 42 "two words" ""; do
	case $w in
	a*) echo "$w: starts with a" ;;
	[A-Z]*) echo "$w: capital" ;;
	*rr*|*zz*) echo "$w: double letters" ;;
	[0-9]*) echo "$w: number" ;;
	*" "*) echo "$w: has a space" ;;
	"") echo "empty" ;;
	esac
done
case x in (x) echo "parenthesised pattern";; esac

echo "== loops"
for i in 1 2 3; do printf '%s ' $i; done; echo
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); [ $i = 2 ] && continue; [ $i = 4 ] && break; printf '%s ' $i; done; echo
i=0; until [ $i -ge 3 ]; do printf 'u%s ' $i; i=$((i + 1)); done; echo
for i in 1 2; do for j in a b; do [ $j = b ] && continue 2; echo "$i$j"; done; done
for i in 1 2 3; do for j in a b; do [ $i = 2 ] && break 2; echo "$i$j"; done; done
seq 3 | while read n; do echo "line $n"; done
total=0; for n in $(seq 100); do total=$((total + n)); done; echo "sum $total"
for f in; do echo never; done; echo "empty for: $?"

echo "== read and IFS"
echo "a:b:c" | { IFS=: read x y z; echo "$z$y$x"; }
echo "  lead and trail  " | { read l; echo "[$l]"; }
echo "  lead and trail  " | { IFS= read -r l; echo "[$l]"; }
echo 'back\slash' | { read l; echo "$l"; }
echo 'back\slash' | { read -r l; echo "$l"; }
echo "one two three four" | { read a b; echo "a=$a b=$b"; }
printf 'no newline' | { read l; echo "status $? [$l]"; }
IFS=,; set -- $(echo "x,y,,z"); echo "$# fields"; IFS=' 	
'
s="a  b	c"; set -- $s; echo "$# words"
old=$IFS; IFS=; set -- $s; echo "$# word without IFS"; IFS=$old

echo "== globbing"
mkdir g; cd g
touch a1 a2 b1 .hidden 'with space'
echo *
echo a*
echo ?1
echo [ab]2
echo [!a]*
echo .h*
echo nomatch*
set -f; echo *; set +f
for f in *; do echo "file: $f"; done
cd ..

echo "== subshells and the environment"
x=parent; (x=child; echo "in: $x"); echo "out: $x"
(cd g && pwd | sed 's|.*/||'); pwd | grep -c '/g$'
umask 027; umask; (umask 077; umask); umask; umask 022
v=1; { v=2; }; echo "group keeps: $v"
echo $$ | grep -cq '^[0-9][0-9]*$' && echo "pid is a number"
[ "$(sh -c 'echo $PPID')" = $$ ] && echo "child's PPID is us"
(echo "subshell \$\$ is the parent's: $([ $$ = "$(echo $$)" ] && echo yes)")

echo "== eval, command, type, getopts"
cmd='echo evaluated $((2 + 2))'; eval "$cmd"
eval 'a=1; b=2'; echo $a$b
command -v cd
command -v h
command -v ls
command -v nothing; echo "command -v missing: $?"
type echo
type h | head -n 1
type ls
type nothing 2>&1; echo "type missing: $?"
command echo "command runs builtins"
alias ll='ls -l' 2>/dev/null; command -V ll 2>&1 | head -n 1
parse() {
	OPTIND=1
	while getopts "ab:c" o; do
		case $o in
		b) echo "opt b=$OPTARG" ;;
		\?) echo "bad option" ;;
		*) echo "opt $o" ;;
		esac
	done
	shift $((OPTIND - 1)); echo "rest: $*"
}
parse -a -b val -c file1 file2
parse -x -a 2>&1
printf '%s\n' "printf builtin"
. ./f 2>&1 | head -n 1; echo "source non-script: $?"
echo 'sourced=yes' > lib.sh; . ./lib.sh; echo "sourced: $sourced"

echo "== set -e and set -u"
sh -c 'set -e; echo before; false; echo not reached'; echo "set -e: $?"
sh -c 'set -e; false || true; if false; then :; fi; echo "survived"'
sh -c 'set -e; f() { false; echo "in function"; }; f && echo after' 
sh -c 'set -u; echo "$undefined"' 2>&1; echo "set -u: $?"
sh -c 'trap "echo sub trap" EXIT; exit 4'; echo "sub exit: $?"
sh -c 'trap "echo caught TERM; exit 1" TERM; kill -TERM $$; echo unreached'; echo "trap TERM: $?"
sh -c 'trap "" INT; kill -INT $$; echo "INT ignored"'
sh -c 'trap "echo usr1" USR1; kill -USR1 $$; kill -USR1 $$; echo done'
sh -c 'exit 300'; echo "exit 300: $?"
sh -c 'return 2' 2>&1; echo "return outside function: $?"
(set -e; false; echo unreached); echo "subshell set -e: $?"
exit 0
