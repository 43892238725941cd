"""Survei Kepuasan Masyarakat (SKM, PermenPANRB No. 14 of 2017): the visitor rates the service
when it ends, and the hall gets its Indeks Kepuasan Masyarakat (IKM).

One module per job:

- `elements`: the nine elements U1–U9, their questions and answer words, the profile choices;
- `index`: NRR per element, IKM, the converted index and its grade (pure arithmetic);
- `sample`: the Krejcie–Morgan minimum sample for a number of visitors served;
- `store`: the tables (anonymous responses, and which tickets have answered);
- `answering`: who may answer for which ticket, and storing an answer once (the rules);
- `figures`: the index of a range of days, grouped, computed in SQL;
- `export`: the SKM report layout as CSV and XLSX;
- `web`: the counter's rating screen and the SKM report page.

Everything but `web` takes a Session and plain values and imports no Flask.
"""
