"""What comes in and goes out: address books (vCard, Google/Outlook/LinkedIn CSV), the iCalendar feed, records
for JSON and CSV, and the data the site's dashboard script reads."""
