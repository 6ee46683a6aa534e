"""The relief library in every language of `settings.LANGUAGES` (django-modeltranslation).

Each field named here gets one column per language (`name_en`, `name_zh_hans`, ...); reading
`technique.name` gives the active language's text, or the English when a row has none yet.
Slugs, codes, sources and numbers are the same in every language and are not listed.
"""

from modeltranslation.translator import TranslationOptions, register

from cramps.models.library import FoodItem, PreventionTip, RedFlag, ReliefTechnique


@register(ReliefTechnique)
class ReliefTechniqueTranslation(TranslationOptions):
    fields = (
        "name",
        "summary",
        "location",
        "steps",
        "evidence_note",
        "traditional_claim",
        "cautions",
    )


@register(PreventionTip)
class PreventionTipTranslation(TranslationOptions):
    fields = ("title", "body", "note")


@register(RedFlag)
class RedFlagTranslation(TranslationOptions):
    fields = ("title", "signs", "action")


@register(FoodItem)
class FoodItemTranslation(TranslationOptions):
    fields = ("name", "portion", "note")
