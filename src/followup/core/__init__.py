"""The core: what a contact is, cadences and dates, names, settings, and the due rule. No files, no git, no
MkDocs: plain values in, plain values out. Every view asks it; none repeats it."""
