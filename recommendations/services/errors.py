"""The workflow's refusals: each message is for the user."""


class RecommendationsError(Exception):
    """A rule of the workflow was broken; the message is for the user."""


class PackageNotDraft(RecommendationsError):
    pass


class PackageNotPublished(RecommendationsError):
    pass


class PackageIsEmpty(RecommendationsError):
    pass


class PackageVersionOutdated(RecommendationsError):
    pass
