"""Reading what a page shows beyond its text: tables, ink, marks.

Every reader starts from a :class:`~pipeline.reading.page.PageView`: the page as the text
stage read it (its words with their boxes, the upright image those boxes refer to), so that a
scanned page is OCR'd once and turned the right way up by one decision.
"""
