"""Demo data for `manage.py seed_demo` (idempotent): the Lyon 2013 visit's obstacles and recommendations.

The obstacles are those the participants named in the June 2013 news article (insufficient
communication; lack of access to the organisation's tools by frontline officers) and three that
follow from what the article describes (the I-24/7 system, the lessons of past operations, the
role of regional networks and NGOs). Published as package version 1, not distributed: staff
distribute it from the admin and watch it go out.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from meetings.models import Visit

from .models import Obstacle, Recommendation, RecommendationPackage
from .services import package_publish

LYON_VISIT_SLUG = "familiarization-visit-lyon-2013"
STAFF_EMAIL = "staff@example.org"

OBSTACLES = [
    (
        "Insufficient communication",
        "Information on environmental crime cases, seizures and suspects does not flow quickly enough between "
        "member countries, regional enforcement networks and the General Secretariat. Focal points are often "
        "unknown to each other and requests go unanswered.",
    ),
    (
        "Lack of access to the organisation's tools by frontline officers",
        "Customs, wildlife, forestry and fisheries officers at borders and in the field cannot query the "
        "organisation's databases or issue requests themselves; everything has to go through the National "
        "Central Bureau, which is slow and rarely done.",
    ),
    (
        "Limited use of I-24/7 beyond the National Central Bureaus",
        "The I-24/7 secure police communications system is installed at the National Central Bureaus but has "
        "not been extended to the environmental enforcement agencies that hold the relevant information.",
    ),
    (
        "No shared picture of the lessons of past operations",
        "Case studies of past international operations showed the same mistakes repeated; their lessons are "
        "not collected or shared in a form that agencies planning new operations can use.",
    ),
    (
        "Regional networks and NGOs are not connected to the police channels",
        "Regional wildlife enforcement networks and non-governmental organisations gather intelligence that "
        "rarely reaches law enforcement through a secure and accountable channel.",
    ),
]

# (number, title, text, obstacles addressed (1-based), audience, priority)
RECOMMENDATIONS = [
    (
        1,
        "Designate an environmental crime focal point in every National Central Bureau",
        "Each member country names, within three months, one officer of its National Central Bureau as the "
        "environmental crime focal point, publishes their contact details to the Environmental Crime Programme, "
        "and keeps them current. The Programme maintains the list and shares it with all focal points.",
        [1],
        Recommendation.Audience.ALL_MEMBER_COUNTRIES,
        Recommendation.Priority.HIGH,
    ),
    (
        2,
        "Extend I-24/7 access to national environmental enforcement agencies",
        "Member countries extend I-24/7 beyond the National Central Bureau to the wildlife, forestry, fisheries "
        "and customs agencies that investigate environmental crime, starting with one agency per country within "
        "a year, with the Programme's technical support.",
        [2, 3],
        Recommendation.Audience.ALL_MEMBER_COUNTRIES,
        Recommendation.Priority.HIGH,
    ),
    (
        3,
        "Give frontline officers direct, controlled queries of the databases",
        "Where national law allows, frontline officers at borders, ports and airports receive direct query "
        "access to the stolen and lost travel documents, nominal and notices databases through the existing "
        "national integration solutions, with training delivered by the Programme.",
        [2],
        Recommendation.Audience.ALL_MEMBER_COUNTRIES,
        Recommendation.Priority.MEDIUM,
    ),
    (
        4,
        "Use Ecomessages and Purple Notices systematically",
        "Member countries report environmental crime seizures and modi operandi through Ecomessages and request "
        "Purple Notices for new concealment methods, so that every case contributes to a common picture.",
        [1, 4],
        Recommendation.Audience.ALL_MEMBER_COUNTRIES,
        Recommendation.Priority.MEDIUM,
    ),
    (
        5,
        "Publish an after-action review of every international operation",
        "The Programme publishes, within six months of each coordinated operation, a short restricted review "
        "of what worked and what did not, and presents it to the participating countries before the next "
        "operation is planned.",
        [4],
        Recommendation.Audience.INTERNATIONAL_PARTNERS,
        Recommendation.Priority.MEDIUM,
    ),
    (
        6,
        "Connect regional enforcement networks to the secure channels",
        "Regional networks such as the Lusaka Agreement Task Force, SAWEN and ASEAN-WEN agree a working "
        "arrangement with the Programme to exchange operational information through secure channels, with a "
        "named contact in each network.",
        [1, 5],
        Recommendation.Audience.REGIONAL_NETWORKS,
        Recommendation.Priority.HIGH,
    ),
    (
        7,
        "Channel NGO intelligence to law enforcement through the Programme",
        "Non-governmental organisations share intelligence on environmental crime with the Programme under a "
        "written data-protection framework, so it can be assessed and passed to the member countries concerned.",
        [5],
        Recommendation.Audience.NGOS,
        Recommendation.Priority.LOW,
    ),
    (
        8,
        "Meet again within a year to review implementation",
        "The participants' organisations report on the implementation of these recommendations through the "
        "portal and meet again within twelve months to review progress and adjust them.",
        [1, 2, 3, 4, 5],
        Recommendation.Audience.ALL_MEMBER_COUNTRIES,
        Recommendation.Priority.LOW,
    ),
]

PACKAGE_TITLE = "Recommendations of the Lyon familiarization visit"
PACKAGE_SUMMARY = (
    "From 13 to 16 May 2013, sixteen representatives of member countries, regional enforcement networks, an "
    "international consortium and non-governmental organisations met at the General Secretariat in Lyon to "
    "learn how the organisation's global tools, services and operations can support the fight against "
    "environmental crime.\n\n"
    "Discussing common challenges and case studies of past international operations, they identified the "
    "obstacles to successful cooperation set out below, chief among them insufficient communication and the "
    "lack of access to the organisation's tools by frontline officers, and generated the following "
    "recommendations, shared with all 190 member countries."
)


@transaction.atomic
def seed(*, stdout, style) -> None:
    visit = Visit.objects.filter(slug=LYON_VISIT_SLUG).first()
    if visit is None:
        stdout.write(style.WARNING(f"recommendations: visit {LYON_VISIT_SLUG!r} not found; skipped."))
        return
    obstacles = []
    for order, (title, description) in enumerate(OBSTACLES, start=1):
        obstacle, _created = Obstacle.objects.get_or_create(
            visit=visit, title=title, defaults={"order": order, "description": description}
        )
        obstacles.append(obstacle)
    for number, title, text, addressed, audience, priority in RECOMMENDATIONS:
        recommendation, created = Recommendation.objects.get_or_create(
            visit=visit,
            number=number,
            defaults={"title": title, "text": text, "audience": audience, "priority": priority},
        )
        if created:
            recommendation.obstacles.set([obstacles[index - 1] for index in addressed])
    package, _created = RecommendationPackage.objects.get_or_create(
        visit=visit, version=1, defaults={"title": PACKAGE_TITLE, "summary": PACKAGE_SUMMARY}
    )
    from .demo_translations import translate_demo_content  # it imports this module's texts

    # French, Spanish and Arabic texts (only where empty): the package is published in four languages.
    translate_demo_content(
        obstacles=Obstacle.objects.filter(visit=visit),
        recommendations=Recommendation.objects.filter(visit=visit),
        package=package,
    )
    if package.status != RecommendationPackage.Status.DRAFT:
        stdout.write(f"recommendations: package v{package.version} for {visit.slug} already published.")
        return
    staff = get_user_model().objects.filter(email__iexact=STAFF_EMAIL).first()
    package = package_publish(package=package, by=staff)
    stdout.write(
        style.SUCCESS(
            f"recommendations: {len(OBSTACLES)} obstacles, {len(RECOMMENDATIONS)} recommendations, "
            f"package v{package.version} published in {', '.join(package.content['languages'])} "
            f"(id {package.pk}, English {package.document_size} bytes, "
            f"sha256 {package.document_sha256[:12]}…), not distributed: "
            f"python manage.py distribute_package {package.pk} --wait"
        )
    )
