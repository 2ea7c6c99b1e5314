# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration for relq's documentation (make htmldocs, T-DOC-2).
#
# kernel-doc comments come from relq's sources through the kernel's own
# tooling: the kerneldoc extension and scripts/kernel-doc of the unpacked
# Debian linux-source-6.12 tree, and the kernel's kfigure extension renders
# the Graphviz figures. scripts/htmldocs.sh passes that tree in RELQ_KSRC;
# a bare sphinx-build asks scripts/ksrc.sh for it.

import os
import subprocess
import sys

import sphinx

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def relq_ksrc():
    """The unpacked kernel source tree that provides kernel-doc."""
    ksrc = os.environ.get('RELQ_KSRC')
    if not ksrc:
        ksrc = subprocess.run(['bash', os.path.join(TOP, 'scripts', 'ksrc.sh')],
                              check=True, stdout=subprocess.PIPE,
                              text=True).stdout.strip()
    for need in ('scripts/kernel-doc', 'Documentation/sphinx/kerneldoc.py'):
        if not os.path.isfile(os.path.join(ksrc, need)):
            sys.exit('relq docs: %s has no %s' % (ksrc, need))
    return ksrc


KSRC = relq_ksrc()
sys.path.insert(0, os.path.join(KSRC, 'Documentation', 'sphinx'))
# relq's own extension: try-it boxes, source links, the teaching view.
sys.path.insert(0, os.path.join(TOP, 'Documentation', 'sphinx'))

# A kernel-doc warning about a relq comment fails the build: kernel-doc
# then exits non-zero and the kerneldoc extension turns that into a Sphinx
# warning, which -W makes fatal (the kernel's KDOC_WERROR).
os.environ['KDOC_WERROR'] = '1'

# -- General configuration ---------------------------------------------------

needs_sphinx = '5.3'
extensions = ['kerneldoc', 'kfigure', 'relq_docs']

kerneldoc_bin = os.path.join(KSRC, 'scripts', 'kernel-doc')
kerneldoc_srctree = TOP
# Print kernel-doc's stderr (its warnings) during the build.
kerneldoc_verbosity = 1

# Attributes that kernel-doc leaves in prototypes and Sphinx's C parser
# cannot read (the subset of the kernel's own list that relq uses).
c_id_attributes = [
    '__user',
    '__rcu',
    '__init',
    '__exit',
    '__must_check',
    '__always_inline',
    '__maybe_unused',
]

project = 'relq'
author = 'The relq developers'
copyright = 'The relq developers'
with open(os.path.join(TOP, 'VERSION')) as f:
    version = release = f.read().strip()

source_suffix = '.rst'
root_doc = 'index'
language = 'en'
exclude_patterns = ['output', 'sphinx']
pygments_style = 'sphinx'
highlight_language = 'none'

# -- HTML --------------------------------------------------------------------

html_theme = 'alabaster'
html_theme_options = {
    # 1280-pixel windows: body and sidebar within the window's width.
    'page_width': '1200px',
    'sidebar_width': '220px',
    'description': 'a reliable message queue driver',
}
html_sidebars = {'**': ['about.html', 'navigation.html', 'searchbox.html']}
html_title = 'relq %s documentation' % release
html_static_path = ['_static']
html_copy_source = False
html_show_sphinx = False
