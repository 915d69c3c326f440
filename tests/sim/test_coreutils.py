"""Coreutils and text filters, checked against real bash + GNU coreutils on this machine (the oracle)."""
from __future__ import annotations

import shlex

import pytest

from playground.sim.engine import Engine
from playground.sim.host import HOME

from .oracle_bash import BASH, real, sim

FILES = {
    "pods.txt": "nginx-app-5d7b9 1/1 Running 0\nnginx-app-8c2kq 1/1 Running 2\nbusybox 0/1 Pending 0\n"
                "coredns-7db6d 1/1 Running 1\n",
    "nums.txt": "10\n9\n100\n-3\n9\n2.5\n",
    "words.txt": "apple banana\ncherry\n\napple banana\napple\nbanana split\n",
    "csv.txt": "name,port,type\nweb,80,NodePort\ndb,5432,ClusterIP\ncache,6379\n",
    "noeol.txt": "one\ntwo",
}

CASES = [
    # grep
    "grep Running pods.txt",
    "grep -c Running pods.txt",
    "grep -v Running pods.txt",
    "grep -i RUNNING pods.txt",
    "grep -n nginx pods.txt",
    "grep -o 'nginx-app-[a-z0-9]*' pods.txt",
    "grep -w app pods.txt; echo $?",
    "grep -x busybox pods.txt; echo $?",
    "grep -E '^(nginx|busybox)' pods.txt",
    "grep 'nginx\\|core' pods.txt",
    "grep -E 'Running +[12]$' pods.txt",
    "grep -q Pending pods.txt && echo found",
    "grep -q Nope pods.txt; echo $?",
    "grep nope pods.txt; echo $?",
    "grep nginx pods.txt words.txt",
    "grep -c a pods.txt words.txt",
    "grep -l apple pods.txt words.txt",
    "grep -h a pods.txt words.txt",
    "grep nginx missing.txt pods.txt; echo $?",
    "grep -s nginx missing.txt; echo $?",
    "grep -q nginx missing.txt pods.txt; echo $?",
    "grep '[[:digit:]]\\{3\\}' nums.txt",
    "grep -E '[0-9]{3}' nums.txt",
    "grep -e apple -e cherry words.txt",
    "grep -A1 cherry words.txt",
    "grep -B1 -n split words.txt",
    "grep -C1 cherry words.txt",
    "grep -m1 apple words.txt",
    "grep 'a(' words.txt; echo $?",
    "grep -E 'a(' words.txt; echo $?",
    "grep -F 'a.p' words.txt; echo $?",
    "grep -vc apple words.txt",
    "grep -j x; echo $?",
    "grep --bogus x; echo $?",
    "grep; echo $?",
    "cat pods.txt | grep -E 'nginx' | wc -l",
    "grep '^$' -c words.txt",
    "grep -n '' noeol.txt",
    # head / tail
    "head -n 2 pods.txt",
    "head -2 pods.txt",
    "head -n -1 pods.txt",
    "head -c 5 pods.txt",
    "tail -n 1 pods.txt",
    "tail -2 pods.txt",
    "tail -n +3 pods.txt",
    "head -n 1 pods.txt words.txt",
    "head nope.txt; echo $?",
    "tail nope.txt; echo $?",
    "head -n x pods.txt; echo $?",
    "tail -n 1 noeol.txt",
    "seq 20 | head",
    "seq 20 | tail -3",
    # wc
    "wc pods.txt",
    "wc -l pods.txt",
    "wc -w pods.txt",
    "wc -c pods.txt",
    "wc pods.txt words.txt",
    "wc -l pods.txt words.txt",
    "cat pods.txt | wc",
    "cat pods.txt | wc -l",
    "cat pods.txt | wc -lw",
    "wc nope.txt; echo $?",
    "wc noeol.txt",
    "echo -n abc | wc -c",
    # sort
    "sort pods.txt",
    "sort -r pods.txt",
    "sort -n nums.txt",
    "sort -rn nums.txt",
    "sort -u words.txt",
    "sort -n -u nums.txt",
    "sort -k3 pods.txt",
    "sort -k4,4n -k1,1 pods.txt",
    "sort -t, -k2 -n csv.txt",
    "sort -t, -k3,3 csv.txt",
    "sort nope.txt; echo $?",
    "sort words.txt | uniq -c",
    # uniq
    "uniq words.txt",
    "sort words.txt | uniq -d",
    "sort words.txt | uniq -u",
    "sort words.txt | uniq -c | sort -rn | head -1",
    # tr
    "echo hello | tr a-z A-Z",
    "echo hello | tr '[:lower:]' '[:upper:]'",
    "echo 'a  b   c' | tr -s ' '",
    "echo hello123 | tr -d 0-9",
    "echo hello | tr -d lo",
    "echo a,b,c | tr , '\\n'",
    "echo hello | tr el ip",
    "echo abc | tr abc x",
    "echo hi | tr; echo $?",
    "echo hi | tr a; echo $?",
    "cat pods.txt | tr -s ' ' | cut -d ' ' -f 1,3",
    "echo hello world | tr -cd 'a-z\\n'",
    # cut
    "cut -d, -f1 csv.txt",
    "cut -d, -f2,3 csv.txt",
    "cut -d, -f2- csv.txt",
    "cut -d, -f3 -s csv.txt",
    "cut -c1-3 csv.txt",
    "cut -d ' ' -f 3 pods.txt",
    "cut csv.txt; echo $?",
    "cut -d, -f0 csv.txt; echo $?",
    "cut -d ab -f1 csv.txt; echo $?",
    # cat / echo / printf / seq
    "cat pods.txt nums.txt",
    "cat nope.txt; echo $?",
    "cat -n noeol.txt",
    "cat noeol.txt; echo",
    "echo -n hi; echo there",
    "echo -e 'a\\tb\\nc'",
    "echo -e 'x\\cy'; echo",
    "echo -E 'a\\tb'",
    "echo -- -n",
    "echo -x",
    "printf '%s\\n' a b c",
    "printf '%5s|%-5s|%05d\\n' ab cd 42",
    "printf '%d %x %o %X\\n' 255 255 255 255",
    "printf 'no newline'",
    "printf '%s=%s\\n' a 1 b 2 c",
    "printf '%.2f\\n' 3.14159",
    "printf '%d\\n' abc; echo $?",
    "printf '%b\\n' 'x\\ty'",
    "printf '%%\\n'",
    "seq 3",
    "seq 2 5",
    "seq 1 3 10",
    "seq 5 -1 1",
    "seq -s, 5",
    "seq -w 8 10",
    "seq 1.5 0.5 3",
    "seq; echo $?",
    "seq x; echo $?",
    # awk and sed subsets
    "awk '{print $1}' pods.txt",
    "awk '{print $1, $3}' pods.txt",
    "awk -F, '{print $2}' csv.txt",
    "awk '{print $NF}' pods.txt",
    "awk 'NR==2' pods.txt",
    "awk '/Pending/ {print $1}' pods.txt",
    "sed 's/Running/Up/' pods.txt",
    "sed 's/n/N/g' pods.txt",
    "sed '2d' pods.txt",
    "sed -n '/busybox/p' pods.txt",
    "sed 's/\\(nginx\\)-app/\\1/' pods.txt",
    "echo a-b | sed 's/-/ & /'",
    # xargs and friends
    "echo a b c | xargs echo x",
    "printf '1\\n2\\n3\\n' | xargs -n 1 echo n",
    "printf 'a\\nb\\n' | xargs -I{} echo '<{}>'",
    "echo x | xargs false; echo $?",
    "echo x | xargs nosuchcmd; echo $?",
    "basename /a/b/c.txt .txt; dirname /a/b/c.txt; dirname c.txt",
    "true; echo $?; false; echo $?",
    "rev words.txt",
]


@pytest.mark.skipif(BASH is None, reason="real bash is not installed")
@pytest.mark.parametrize("script", CASES)
def test_same_as_real_coreutils(script):
    assert sim(script, FILES) == real(script, FILES)


@pytest.mark.parametrize("lines, expected", [
    # what glibc's en_US.UTF-8 `sort` printed for these (captured with a generated en_US locale; this
    # machine's CI has only C.UTF-8, so the expectations are written down)
    ("b A a B", "a A b B"),
    ("a.txt ab a_b a-c Ab aB _x .hidden Z 10 9", "10 9 a_b ab aB Ab a-c a.txt .hidden _x Z"),
    ("$b $c bBB -CA$", "$b $c bBB -CA$"),
    ("nginx-app-5d nginx-app-58 nginx-5 NAME", "NAME nginx-5 nginx-app-58 nginx-app-5d"),
])
def test_sort_uses_ubuntu_locale_order(lines, expected):
    quoted = " ".join(shlex.quote(w) for w in lines.split())
    out, code = sim("printf '%s\\n' " + quoted + " | sort | tr '\\n' ' '")
    assert (out, code) == (expected + " ", 0)


def test_sort_keeps_spaces_out_of_the_first_comparison():
    out, code = sim("printf 'a b\\nab\\naa\\na c\\n' | sort")
    assert (out, code) == ("aa\na b\nab\na c\n", 0)


def test_ls_lists_home_and_errors():
    e = Engine.new(seed=1, now=1_800_000_000)
    e.run("mkdir -p app/conf && touch a.yaml b.yaml")
    assert e.run("ls").output == "app  a.yaml  b.yaml\n"   # en_US order ignores the dot
    assert e.run("ls | cat").output == "app\na.yaml\nb.yaml\n"
    r = e.run("ls nope")
    assert (r.output, r.exit_code) == ("ls: cannot access 'nope': No such file or directory\n", 2)
    lines = e.run("ls -l").output.splitlines()
    assert lines[0] == "total 4"
    assert lines[2].startswith("-rw-rw-r-- 1 student student    0 ") and lines[2].endswith(" a.yaml")
    assert lines[1].startswith("drwxrwxr-x 3 student student 4096 ")     # app and app/conf: 3 links
    assert e.run("ls -a").output.split() == [".", "..", "app", "a.yaml", "b.yaml"]
    assert e.run("ls app").output == "conf\n"
    assert e.run("ls /etc").output == "hostname  hosts  lsb-release  os-release  passwd  resolv.conf  shells\n"


def test_ls_columns_like_gnu_for_a_terminal():
    e = Engine.new(seed=1, now=1_800_000_000)
    names = [f"file-number-{k:02d}.txt" for k in range(12)]
    e.run("touch " + " ".join(names))
    lines = e.run("ls").output.splitlines()
    # 18-character names + 2 spaces: four columns fit in 80 (78 wide), filled top to bottom
    assert lines[0] == "file-number-00.txt  file-number-03.txt  file-number-06.txt  file-number-09.txt"
    assert len(lines) == 3


def test_file_programs_and_permissions():
    e = Engine.new(seed=1, now=1_800_000_000)
    assert e.run("mkdir d").exit_code == 0
    r = e.run("mkdir d")
    assert (r.output, r.exit_code) == ("mkdir: cannot create directory ‘d’: File exists\n", 1)
    r = e.run("mkdir /etc/x")
    assert r.output == "mkdir: cannot create directory ‘/etc/x’: Permission denied\n"
    r = e.run("mkdir")
    assert r.output == "mkdir: missing operand\nTry 'mkdir --help' for more information.\n"
    e.run("echo hi > d/f")
    assert e.run("cp d/f g && cat g").output == "hi\n"
    r = e.run("cp nope x")
    assert (r.output, r.exit_code) == ("cp: cannot stat 'nope': No such file or directory\n", 1)
    r = e.run("cp d e")
    assert r.output == "cp: -r not specified; omitting directory 'd'\n"
    assert e.run("cp -r d e && cat e/f").output == "hi\n"
    assert e.run("mv g h && cat h && ls").output == "hi\nd  e  h\n"
    r = e.run("rm d")
    assert (r.output, r.exit_code) == ("rm: cannot remove 'd': Is a directory\n", 1)
    r = e.run("rm nope")
    assert r.output == "rm: cannot remove 'nope': No such file or directory\n"
    assert e.run("rm -f nope").exit_code == 0
    assert e.run("rm -r d && ls").output == "e  h\n"
    r = e.run("rm /etc/hosts")
    assert r.output == "rm: cannot remove '/etc/hosts': Permission denied\n"
    r = e.run("touch /etc/x")
    assert r.output == "touch: cannot touch '/etc/x': Permission denied\n"
    assert e.run("sudo touch /etc/x && ls /etc | tail -1").output == "x\n"
    r = e.run("cp h /etc/h")
    assert r.output == "cp: cannot create regular file '/etc/h': Permission denied\n"
    r = e.run("tee /etc/hosts < h")
    assert (r.output, r.exit_code) == ("tee: /etc/hosts: Permission denied\nhi\n", 1)   # tee opens first


def test_test_builtin_forms():
    e = Engine.new(seed=1, now=1_800_000_000)
    cases = {
        "[ -z '' ]": 0, "[ -n '' ]": 1, "[ a = a ]": 0, "[ a != a ]": 1, "[ 3 -lt 5 ]": 0, "[ 3 -gt 5 ]": 1,
        "[ 2 -eq 2 ]": 0, "[ 2 -ne 2 ]": 1, "[ -f /etc/hosts ]": 0, "[ -d /etc ]": 0, "[ -e /nope ]": 1,
        "test -d /tmp": 0, "[ ! -f /nope ]": 0, "[ a = a -a b = c ]": 1, "[ a = a -o b = c ]": 0, "[ ]": 1,
        "[ x ]": 0,
    }
    for line, code in cases.items():
        assert e.run(line).exit_code == code, line
    r = e.run("[ a -eq 1 ]")
    assert (r.output, r.exit_code) == ("bash: [: a: integer expression expected\n", 2)
    r = e.run("[ a = a")
    assert (r.output, r.exit_code) == ("bash: [: missing `]'\n", 2)
    r = e.run("[ a b c ]")
    assert (r.output, r.exit_code) == ("bash: [: b: binary operator expected\n", 2)


@pytest.mark.skipif(BASH is None, reason="real bash is not installed")
@pytest.mark.parametrize("script", [
    "[ 1 -lt 2 ] && echo yes", "test a = b || echo no", "[ -z \"$NOPE\" ] && echo empty", "[ a -eq 1 ]; echo $?",
    "[ 1 2 3 4 5 ]; echo $?", "[ -q x ]; echo $?",
])
def test_test_matches_real(script):
    assert sim(script) == real(script)


def test_date_whoami_hostname_sleep():
    e = Engine.new(seed=1, now=1_800_000_000)
    assert e.run("date", now=1_800_000_000).output == "Fri Jan 15 08:00:00 AM UTC 2027\n"   # en_US
    assert e.run("date +%Y-%m-%d", now=1_800_000_000).output == "2027-01-15\n"
    assert e.run("whoami").output == "student\n"
    assert e.run("sudo whoami").output == "root\n"
    assert e.run("hostname").output == "ubuntu\n"
    assert e.run("sleep 1").exit_code == 0
    r = e.run("sleep x")
    assert r.output == "sleep: invalid time interval ‘x’\nTry 'sleep --help' for more information.\n"


def test_file_size_limits_give_clear_errors():
    from playground.sim import host
    e = Engine.new(seed=1, now=1_800_000_000)
    r = e.run(f"seq {host.MAX_FILE} > big")
    assert (r.output, r.exit_code) == ("seq: write error: File too large\n", 1)
    assert len(e.host.files[f"{HOME}/big"]) == host.MAX_FILE
    for k in range(host.MAX_FILES):
        e.host.files[f"/tmp/f{k}"] = ""
    r = e.run("touch newfile")
    assert r.output == "touch: cannot touch 'newfile': No space left on device\n"
    r = e.run("echo x > other")
    assert (r.output, r.exit_code) == ("bash: other: No space left on device\n", 1)


@pytest.mark.skipif(BASH is None, reason="real bash is not installed")
@pytest.mark.parametrize("script", ["grep --help", "ls --help", "wc -l --help", "sort --help | head -3",
                                    "cut --help | tail -2", "xargs --help | head -1"])
def test_help_texts_are_the_real_ones(script):
    out, code = real(script)
    # the C locale adds a line for translators that an en_US.UTF-8 Ubuntu does not print
    out = out.replace("Report any translation bugs to <https://translationproject.org/team/>\n", "")
    assert sim(script) == (out, code)


def test_help_is_not_taken_from_other_commands():
    e = Engine.new(seed=1, now=1_800_000_000)
    out = e.run("echo --help").output
    assert out == "--help\n"
    assert e.run("grep -e x -- --help").exit_code == 2      # a pattern, then a missing file


# text tools' corners and error messages
TEXT_ORACLE = [
    "printf 'a bb c\\nddd e f\\n' | column -t",
    "printf 'NAME READY\\nnginx-app-1 1/1\\n' | column -t",
    "printf 'a,b\\nccc,d\\n' | column -t -s,",
    "printf 'a\\n\\nb\\n' | nl",
    "printf 'a\\n\\nb\\n' | nl -ba",
    'echo hi | md5sum; echo hi | sha256sum; echo hi > f; sha1sum f',
    'md5sum nope; echo $?',
    "printf 'b 2\\na 10\\nc 1\\n' | sort -k2n",
    "printf 'b 2\\na 10\\nc 1\\n' | sort -k2 -n -r",
    "printf 'x\\ny\\nx\\n' | sort | uniq -c",
    "printf '3\\n1\\n2\\n' | sort -c; echo $?",
    "printf '1\\n2\\n' | sort -c; echo $?",
    "printf 'a\\tb\\n' | sort -t $'\\t' -k2",
    "printf '1K\\n2M\\n512\\n' | sort -h",
    "printf 'v1.10\\nv1.2\\nv1.9\\n' | sort -V",
    "printf 'b\\na\\n' | sort -o out; cat out",
    'echo hello | grep -o l',
    'echo hello | grep -c l',
    "printf 'a\\nb\\na\\n' | grep -n a",
    "printf 'one\\ntwo\\n' | grep -e one -e two -c",
    "printf 'abc\\n' | grep -E 'a|z'",
    "printf 'abc\\n' | grep 'a|b'; echo $?",
    "printf 'a.c\\nabc\\n' | grep -F .",
    "printf 'Ab\\nab\\n' | grep -i ab",
    "printf 'x1\\nx22\\n' | grep -E 'x[0-9]{2}'",
    "printf 'foo\\n' | grep -w fo; echo $?",
    "printf 'foo bar\\n' | grep -ow bar",
    "printf 'a\\n\\nb\\n' | grep -v '^$'",
    "printf 'a\\n' | grep -H a",
    "printf 'l1\\nl2\\nl3\\nl4\\nl5\\n' | grep -A1 -B1 l3",
    "printf 'm\\nx\\nm\\nx\\nx\\nx\\nm\\n' | grep -A1 m",
    "printf 'abc\\n' | grep '\\(b\\)\\1'; echo $?",
    "printf 'aa\\n' | grep -E '(a)\\1'",
    "printf 'x\\n' | grep '['; echo $?",
    "printf 'x\\n' | grep -E '*x'",
    "printf 'a+b\\n' | grep 'a+b'",
    "printf 'ab\\n' | grep 'a\\+b'",
    "printf 'tab\\there\\n' | grep -P '\\t'; echo $?",
    "printf 'a b\\n' | grep '[[:space:]]'",
    "printf 'AbC\\n' | tr '[:upper:]' '[:lower:]'",
    "printf 'aabbcc\\n' | tr -s 'a-c'",
    "printf 'hello\\n' | tr -d '\\n'; echo",
    "printf 'a b\\n' | tr ' ' '\\t' | cat -A",
    "printf 'abc\\n' | tr 'a-c' 'A'",
    "printf 'abc\\n' | tr -d 'a' 'b'; echo $?",
    "printf 'a,b,,d\\n' | cut -d, -f3,4",
    "printf 'abcdef\\n' | cut -c -3",
    "printf 'abcdef\\n' | cut -c 4-",
    "printf 'a b c\\n' | cut -d ' ' -f 2-3",
    "printf 'one two\\nthree\\n' | wc",
    "printf 'one' | wc -l",
    'wc -l < /dev/null',
    "printf 'abc\\n' | wc -m",
    "printf 'ab\\nabcd\\n' | wc -L",
    "printf '1\\n2\\n3\\n4\\n' | head -n -2",
    "printf '1\\n2\\n3\\n4\\n' | tail -n 2",
    "printf '1\\n2\\n3\\n' | tail -1",
    "printf '1\\n2\\n3\\n' | head -c 4",
    'seq 3 | tac 2>/dev/null || echo notac',
    "printf 'a\\nb\\n' | paste -sd, 2>/dev/null; echo",
    "printf 'x y\\n' | awk '{print $2, $1}'",
    "printf 'a:b\\n' | awk -F: '{print $2}'",
    "printf 'a b c\\n' | awk '{print $NF}'",
    'printf \'l1\\nl2\\n\' | awk \'{print NR": "$0}\'',
    'printf \'a 1\\nb 2\\n\' | awk \'$2 == "2" {print $1}\'',
    'echo hi | cat -',
    'echo hi | cat - /dev/null',
    "cat -n <<< $'a\\n\\nb'",
    "cat -A <<< $'a\\tb'",
    "cat -s <<< $'a\\n\\n\\n\\nb'",
    "echo -e 'a\\\\nb'",
    "echo -e '\\x41\\0102'",
    "echo -en 'no\\n'; echo x",
    "printf '%5.2f|%-8.3s|%+d\\n' 3.14159 abcdef 5",
    "printf '%x %o %e\\n' 255 8 1234.5",
    "printf '%s\\n'",
    "printf 'a\\tb\\n'",
    "printf '%q\\n' 'a b'",
    "printf -- '-x\\n'",
    "printf '%d%%\\n' 50",
    'seq 3 -1 1; seq 1 2 1; seq 2 1',
    "seq -f '%03g' 3 2>/dev/null || echo nof",
    'basename /usr/bin/ ; dirname /usr/bin/ ; dirname /',
    'basename a.tar.gz .gz',
    'xargs < /dev/null; echo $?',
    "echo 'a b' | xargs -n1 echo x",
    'echo a b c | xargs -I{} echo [{}]',
    'echo a | xargs -t echo 2>&1',
    'touch f; rm f; ls f 2>&1; echo $?',
    'mkdir -p a/b/c; ls -R a 2>/dev/null | head -3',
    'mkdir a; mkdir a 2>&1; mkdir -p a; echo $?',
    'touch x; cp x x 2>&1; echo $?',
    'mkdir d; touch f; mv f d; ls d',
    'mkdir d; cp -r d e; ls -d e',
    'rm -r nothere 2>&1; echo $?',
    'rmdir nothere 2>&1',
    'touch t; rmdir t 2>&1',
    'echo x > f; cat f f',
    'cat nothing 2>&1 >/dev/null',
    'head -n 2 nothing 2>&1',
    'tail nothing 2>&1',
    'wc nothing 2>&1; echo $?',
    'sort nothing 2>&1; echo $?',
    'uniq nothing 2>&1; echo $?',
    'cut -f1 nothing 2>&1; echo $?',
    'grep x nothing 2>&1; echo $?',
    'tee < /dev/null; echo $?',
]


@pytest.mark.skipif(BASH is None, reason="real bash is not installed")
@pytest.mark.parametrize("script", TEXT_ORACLE)
def test_text_tool_corners_same_as_real(script):
    assert sim(script) == real(script)


def test_stock_ubuntu_files_are_readable_and_root_owned():
    e = Engine.new(seed=1, now=1_800_000_000)
    assert e.run("grep VERSION_ID /etc/os-release").output == 'VERSION_ID="24.04"\n'
    assert e.run("tail -1 /etc/resolv.conf").output == "search .\n"
    r = e.run("echo x >> /etc/hostname")
    assert (r.output, r.exit_code) == ("bash: /etc/hostname: Permission denied\n", 1)
    assert e.run("echo web | sudo tee -a /etc/hostname > /dev/null; cat /etc/hostname").output == "ubuntu\nweb\n"
    assert e.run("rm /etc/passwd").output == "rm: cannot remove '/etc/passwd': Permission denied\n"


def test_uname_ps_time():
    e = Engine.new(seed=1, now=1_800_000_000)
    assert e.run("uname").output == "Linux\n"
    assert e.run("uname -sr").output == "Linux 6.8.0-49-generic\n"
    assert e.run("uname -a").output.startswith("Linux ubuntu 6.8.0-49-generic #49-Ubuntu SMP")
    assert e.run("ps").output.splitlines()[0] == "    PID TTY          TIME CMD"
    r = e.run("time true")
    assert (r.output, r.exit_code) == ("\nreal\t0m0.004s\nuser\t0m0.002s\nsys\t0m0.001s\n", 0)


def test_ls_human_sizes_and_size_order():
    e = Engine.new(seed=1, now=1_800_000_000)
    e.run("seq 3000 > big; echo x > small; mkdir d")
    lines = e.run("ls -lh").output.splitlines()
    assert lines[0] == "total 24K"          # 16K + 4K + 4K, as on ext4
    assert lines[1].split()[4:5] == ["14K"] and lines[2].split()[4:5] == ["4.0K"]
    assert e.run("ls -S | cat").output == "big\nd\nsmall\n"


def test_a_full_disk_is_a_write_error_of_the_writer():
    e = Engine.new(seed=1, now=1_800_000_000)
    r = e.run("for i in 1 2 3 4 5 6; do seq 150000 > f$i; done")
    assert (r.output, r.exit_code) == ("seq: write error: No space left on device\n", 1)
    r = e.run("echo x >> f6")
    assert (r.output, r.exit_code) == ("bash: echo: write error: No space left on device\n", 1)
    r = e.run("rm f1 && echo x >> f6")
    assert (r.output, r.exit_code) == ("", 0)
