"""English display formats for an international organisation: day before month, 24-hour clock.

Django's `en` locale uses US formats ("May 13, 2013, 5:30 p.m."). Only display formats are
overridden; input formats fall through to Django's `en` locale.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
