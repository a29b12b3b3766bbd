# ruff: noqa: E501  (the examples table keeps each case on one line)
"""Indexed arrays, the syntax agent scripts reach for after ``set -euo pipefail``:
``a=(x "y z")``, ``a+=(...)``, ``a[i]=v``, ``[i]=v`` inside ``( )``, ``"${a[@]}"`` as one
field per element, ``${a[*]}``, ``${a[i]}`` (negative from the end), ``${#a[@]}``,
``${#a[i]}``, ``${!a[@]}``, slices ``${a[@]:o:l}``, ``unset 'a[i]'``, ``declare -a``;
each example pinned to GNU bash's answer and re-run against it where it is installed."""

from __future__ import annotations

from tests.fake_server.desktop.shell.shell_rig import example_tests

CASES = [
    ('a=(x y z); echo ${a[1]} ${#a[@]} "${a[@]}"', 'y 3 x y z\n', 0),
    ('a=(x "y z"); for i in "${a[@]}"; do echo "<$i>"; done', '<x>\n<y z>\n', 0),
    ('a=(x "y z"); for i in ${a[@]}; do echo "<$i>"; done', '<x>\n<y>\n<z>\n', 0),
    ('a=(1 2); a+=(3 4); echo "${a[*]}" ${#a[*]}', '1 2 3 4 4\n', 0),
    ('a=(1 2); a[5]=six; echo "${!a[@]}" "${a[@]}" ${#a[@]}', '0 1 5 1 2 six 3\n', 0),
    ('a=(1 2 3); echo $a ${a[-1]} ${a[2-1]}', '1 3 2\n', 0),
    ('a=(); echo "[${a[@]}]" ${#a[@]}; for x in "${a[@]}"; do echo no; done', '[] 0\n', 0),
    ('a=x; a[1]=y; echo "${a[@]}"', 'x y\n', 0),
    ('a=(one two); echo ${#a[0]} ${#a[1]}', '3 3\n', 0),
    ('a=(q w e); unset a; echo "[${a[@]}]"', '[]\n', 0),
    ('a=(*.none); echo ${#a[@]}', '1\n', 0),
    ('i=0; a=(a b c); while [ $i -lt ${#a[@]} ]; do echo ${a[$i]}; i=$((i+1)); done', 'a\nb\nc\n', 0),
    ('files=(a b); printf "%s\\n" "${files[@]}"', 'a\nb\n', 0),
    ('a=(1 2 3); b=("${a[@]}" 4); echo ${#b[@]} "${b[3]}"', '4 4\n', 0),
    ('a=(x y); a[0]+=z; echo ${a[0]}', 'xz\n', 0),
    ('a=(x y); echo "${a[@]}" | tr " " -', 'x-y\n', 0),
    ('a=(x y); (a+=(z); echo ${#a[@]}); echo ${#a[@]}', '3\n2\n', 0),
    ('a=(x y); echo "pre${a[@]}post"', 'prex ypost\n', 0),
    ('set -u; a=(1); echo ${a[0]}; echo ${b[@]}; echo after', '1\n\nafter\n', 0),
    ('a=(1 2 3); echo "${a[@]:1}"', '2 3\n', 0),
    ('a=(\n  one\n  two # comment\n); echo ${#a[@]} ${a[1]}', '2 two\n', 0),
    ('x=$(echo 1 2 3); a=($x); echo ${#a[@]}', '3\n', 0),
    ('a=(1 2); echo ${a[7]}end', 'end\n', 0),
    ('a=(a b); echo ${a[-3]}; echo rc=$?', 'bash: a: bad array subscript\n\nrc=0\n', 0),
    ('a=(1 2 3 4); echo "${a[@]: -2}" "${a[@]:1:2}"; for x in "${a[@]:2}"; do echo "<$x>"; done', '3 4 2 3\n<3>\n<4>\n', 0),
    ('a=(hello world); echo ${a[1]:1:3} ${a[0]: -2}', 'orl lo\n', 0),
    ('a=(1 2 3); echo ${a[@]:5}end', 'end\n', 0),
    ('a=(x y); echo ${#a}', '1\n', 0),
    ('a=(x y); unset "a[0]"; echo "${a[@]}" ${#a[@]}', 'y 1\n', 0),
    ('declare -a a=(1 2); echo ${a[1]}', '2\n', 0),
    ('a=(x y); b=${a[@]}; echo "$b"', 'x y\n', 0),
    ('a=([2]=two [0]=zero); echo "${a[@]}" "${!a[@]}"', 'zero two 0 2\n', 0),
    ('a=(x y); a+=z; echo "${a[@]}"', 'xz y\n', 0),
    ('s=scalar; s+=(more); echo "${s[@]}" ${#s[@]}', 'scalar more 2\n', 0),
    ('a=(1 2 3); echo $(( ${a[0]} + ${a[2]} ))', '4\n', 0),
    ('a=(1 2 3 4); n=2; echo "${a[@]:1:$n}"', '2 3\n', 0),
]  # fmt: skip


test_examples, test_the_examples_agree_with_gnu_bash = example_tests(CASES)
