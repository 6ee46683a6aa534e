# 简体中文的日期：年月日，星期在日期后，24 小时制。
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 D H:i"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
TIME_FORMAT = "H:i"
