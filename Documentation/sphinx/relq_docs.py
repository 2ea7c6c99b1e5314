# SPDX-License-Identifier: GPL-2.0
"""relq's own Sphinx additions.

``.. tryit:: NAME``
    A "Try it" box: shell commands a student types inside ``make shell``.
    The content is a console session: lines starting with ``$ `` are
    commands, the lines after a command are what it prints (``...`` stands
    for any text). ``:needs:`` names what the box requires beyond relq
    (``fail-nth``: a kernel with fault injection). scripts/tryit.py
    extracts every box and selftests/relq/relq_tryit_test.sh runs them.

``.. relq-concordance-teaching::``
    The concordance of guidelines.rst without its Tests column.

Source links
    Every ``file:function`` literal (``module/file.c:relq_file_open``)
    links to an HTML view of that file at the line that defines the name;
    the views are written to ``_source/`` in the output directory.
"""

import html
import os
import re
import sys

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'scripts'))
import doc_links  # noqa: E402  (scripts/doc_links.py: parsing shared with T-DOC-1)

REF_RX = re.compile(r'^((?:module|include|kunit|selftests|scripts|tools|udev)/[\w./-]+):(\w+)$')
SOURCE_DIR = '_source'


class TryIt(Directive):
    """A "Try it" box; see the module's docstring."""
    required_arguments = 1
    has_content = True
    option_spec = {'needs': directives.unchanged}

    def run(self):
        box = nodes.admonition(classes=['relq-tryit'])
        title = 'Try it in make shell'
        if 'needs' in self.options:
            title += ' (needs %s)' % self.options['needs']
        box += nodes.title(title, title)
        text = '\n'.join(self.content)
        block = nodes.literal_block(text, text)
        box += block
        return [box]


class TeachingView(Directive):
    """The concordance's first four columns (no test IDs)."""
    has_content = False

    def run(self):
        path = os.path.join(TOP, doc_links.DOC)
        self.state.document.settings.record_dependencies.add(path)
        rows = doc_links.table_rows(open(path).read())
        out = ['.. list-table::', '   :header-rows: 1', '   :widths: 16 28 28 28',
               '   :class: relq-teaching', '',
               '   * - Guideline', '     - Windows concept and API',
               '     - Linux mechanism and API', "     - relq's code"]
        for row in rows:
            for i, cell in enumerate(row[:4]):
                lines = cell.split('\n')
                out.append(('   * - ' if i == 0 else '     - ') + lines[0])
                out += ['       ' + ln if ln else '' for ln in lines[1:]]
        node = nodes.container()
        self.state.nested_parse(StringList(out, source=path), self.content_offset, node)
        return node.children


def source_links(app, doctree, docname):
    """Turn each ``file:function`` literal into a link to its source view."""
    depth = docname.count('/')
    for lit in list(doctree.findall(nodes.literal)):
        m = REF_RX.match(lit.astext())
        if not m or isinstance(lit.parent, nodes.reference):
            continue
        path, ident = m.groups()
        full = os.path.join(TOP, path)
        if not os.path.isfile(full):
            continue
        line = doc_links.definition_line(full, ident)
        if not line:
            continue
        app.env.relq_sources = getattr(app.env, 'relq_sources', set()) | {path}
        uri = '../' * depth + '%s/%s.html#L%d' % (SOURCE_DIR, path, line)
        ref = nodes.reference('', '', internal=False, refuri=uri,
                              classes=['relq-src'])
        lit.replace_self(ref)
        ref += lit


SOURCE_CSS = """
body { font-family: sans-serif; margin: 1em; max-width: 1200px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0;
      font-size: 13px; line-height: 1.35; }
.ln { color: #999; user-select: none; display: inline-block; width: 4em; }
:target, :target .ln { background: #ffc; }
"""


def write_sources(app, exception):
    """Write an HTML view of each linked source file, one anchor per line."""
    if exception or app.builder.format != 'html':
        return
    for path in sorted(getattr(app.env, 'relq_sources', ())):
        text = open(os.path.join(TOP, path), errors='replace').read()
        lines = []
        for n, ln in enumerate(text.split('\n'), 1):
            lines.append('<span id="L%d"><a class="ln" href="#L%d">%d</a>%s</span>'
                         % (n, n, n, html.escape(ln.expandtabs(8))))
        dest = os.path.join(app.outdir, SOURCE_DIR, path + '.html')
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, 'w') as f:
            f.write('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
                    '<meta name="viewport" content="width=device-width">'
                    '<title>%s</title><style>%s</style></head><body>'
                    '<h1>%s</h1><pre>%s</pre></body></html>\n'
                    % (html.escape(path), SOURCE_CSS, html.escape(path),
                       '\n'.join(lines)))


def setup(app):
    app.add_directive('tryit', TryIt)
    app.add_directive('relq-concordance-teaching', TeachingView)
    app.connect('doctree-resolved', source_links)
    app.connect('build-finished', write_sources)
    return {'parallel_read_safe': True, 'parallel_write_safe': False}
