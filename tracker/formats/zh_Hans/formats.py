# 简体中文的日期：年月日，星期在日期后，24 小时制。
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 D H:i"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
TIME_FORMAT = "H:i"

# 应用自己命名的格式（Django 的 date 过滤器和 date_format 会在这里找到它们）：每种语言都要定义全部。
# 带星期和年份的日期：“2026年12月1日 星期二”。
WEEKDAY_DATE_YEAR_FORMAT = "Y年n月j日 D"
# 带星期的日期和时间：“12月1日 星期二 22:00”。
WEEKDAY_DATETIME_FORMAT = "n月j日 D H:i"
# 给读屏软件的完整日期：“12月1日 星期二”。
WEEKDAY_DATE_LONG_FORMAT = "n月j日 l"
# 再加上年份：“2026年12月1日 星期二”。
WEEKDAY_DATE_LONG_YEAR_FORMAT = "Y年n月j日 l"
