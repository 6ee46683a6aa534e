# The app's English dates (the templates use these names, never a literal format): day first,
# month by name, 24-hour clock, as the pages have always shown them.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "D j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
