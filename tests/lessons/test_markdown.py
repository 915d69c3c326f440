"""The lesson prose renderer escapes everything and turns only a small Markdown subset into HTML."""
from lessons.markdown import render


def test_paragraphs_inline_code_bold_and_emphasis():
    html = render("Run `kubectl get pods` **now**,\nthen *look*.\n\nSecond.")
    assert html == ("<p>Run <code>kubectl get pods</code> <strong>now</strong>, then <em>look</em>.</p>\n"
                    "<p>Second.</p>")


def test_fenced_code_is_escaped_and_kept_verbatim():
    html = render("```yaml\nkind: <Service>\n  **not bold**\n```")
    assert html == '<pre><code class="language-yaml">kind: &lt;Service&gt;\n  **not bold**</code></pre>'


def test_lists_and_links():
    html = render("- one\n- two [docs](https://kubernetes.io/docs/)\n\n1. first\n2. second")
    assert html == ('<ul><li>one</li><li>two <a href="https://kubernetes.io/docs/" rel="noopener noreferrer" '
                    'target="_blank">docs</a></li></ul>\n<ol><li>first</li><li>second</li></ol>')


def test_raw_html_and_script_links_are_neutralised():
    html = render('<script>alert(1)</script> [x](javascript:alert(1)) `<b>`')
    assert "<script>" not in html and "javascript:" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<code>&lt;b&gt;</code>" in html


def test_a_fenced_command_of_the_step_can_be_run_with_a_click():
    html = render("```\nkubectl get pods\n```\n\n```\nkubectl get nodes\n```", runnable={"kubectl get pods"})
    assert html == ('<pre data-run="kubectl get pods" title="Click to run it in the terminal"><code>kubectl get pods'
                    '</code></pre>\n<pre><code>kubectl get nodes</code></pre>')
