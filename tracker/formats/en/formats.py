# The app's English dates (the templates use these names, never a literal format): day first,
# month by name, 24-hour clock, as the pages have always shown them.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "D j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"

# The app's own named formats (Django's `date` filter and `date_format` find any name defined
# here): each language defines every one of them, in its own word order.
# A day with its weekday, short, with the year: "Tue 1 Dec 2026".
WEEKDAY_DATE_YEAR_FORMAT = "D j M Y"
# A day with its weekday and the time: "Tue 1 Dec, 22:00".
WEEKDAY_DATETIME_FORMAT = "D j M, H:i"
# A day in words, for screen readers: "Tuesday 1 December".
WEEKDAY_DATE_LONG_FORMAT = "l j F"
# The same with the year: "Tuesday 1 December 2026".
WEEKDAY_DATE_LONG_YEAR_FORMAT = "l j F Y"
