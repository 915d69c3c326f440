"""manage.py sim splits a script into commands the way a shell reads them."""
from playground.management.commands.sim import editor_body, split_script


def test_one_command_per_line_skipping_blanks_and_comments():
    assert split_script("kubectl get pods\n\n# a comment\n  echo hi  # trailing\n") == [
        "kubectl get pods", "  echo hi  # trailing"]


def test_a_heredoc_body_belongs_to_the_line_that_opens_it():
    script = "cat <<EOF > a.yaml\nkind: Pod\n\n# kept\nEOF\nkubectl apply -f a.yaml\n"
    assert split_script(script) == ["cat <<EOF > a.yaml\nkind: Pod\n\n# kept\nEOF", "kubectl apply -f a.yaml"]


def test_quoted_and_dash_delimiters():
    script = "kubectl apply -f - <<'END'\nkind: Pod\nEND\ncat <<-X\n\tindented\n\tX\nls\n"
    assert split_script(script) == ["kubectl apply -f - <<'END'\nkind: Pod\nEND", "cat <<-X\n\tindented\n\tX", "ls"]


def test_here_strings_and_quoted_arrows_are_not_heredocs():
    assert split_script("grep a <<< 'abc'\necho \"x << y\"\nls\n") == ["grep a <<< 'abc'", 'echo "x << y"', "ls"]


def test_a_trailing_backslash_continues_the_line():
    assert split_script("kubectl create deploy web \\\n  --image=nginx\nls\n") == [
        "kubectl create deploy web   --image=nginx", "ls"]


def test_editor_directives_are_commands_with_their_body():
    script = "kubectl edit svc web\n#podscape:editor-save <<'EOF'\nspec:\n  type: NodePort\nEOF\n#podscape:editor-cancel\n"
    cmds = split_script(script)
    assert cmds == ["kubectl edit svc web", "#podscape:editor-save <<'EOF'\nspec:\n  type: NodePort\nEOF",
                    "#podscape:editor-cancel"]
    assert editor_body(cmds[1]) == "spec:\n  type: NodePort\n"


def test_a_shift_in_arithmetic_is_not_a_heredoc():
    assert split_script("echo $((x<<y))\nls\n") == ["echo $((x<<y))", "ls"]


def test_an_open_quote_or_a_trailing_pipe_continues_as_in_bash():
    assert split_script("echo 'one\ntwo'\nkubectl get pods |\n  grep nginx\nls\n") == [
        "echo 'one\ntwo'", "kubectl get pods |\n  grep nginx", "ls"]
