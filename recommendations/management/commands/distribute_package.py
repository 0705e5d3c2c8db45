import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from recommendations import selectors, services
from recommendations.models import Delivery, RecommendationPackage


class Command(BaseCommand):
    help = (
        "Start (or resume) distributing a published recommendation package to the primary liaison of "
        "every active member country. With --wait, show progress until no delivery is queued or sending."
    )

    def add_arguments(self, parser):
        parser.add_argument("package_id", type=int)
        parser.add_argument("--wait", action="store_true", help="Wait for the distribution to complete.")
        parser.add_argument(
            "--timeout", type=float, default=None, help="With --wait: give up after this many seconds (exit 2)."
        )
        parser.add_argument("--interval", type=float, default=1.0, help="With --wait: seconds between checks.")

    def handle(self, *args, package_id, wait, timeout, interval, **options):
        package = RecommendationPackage.objects.filter(pk=package_id).first()
        if package is None:
            raise CommandError(_("No recommendation package with id %(id)s.") % {"id": package_id})
        try:
            started = services.distribution_start(package=package)
        except services.RecommendationsError as error:
            raise CommandError(str(error)) from error
        distribution = started.distribution
        self.stdout.write(
            _("Distribution %(id)d of %(package)s: %(created)d new deliveries queued, %(requeued)d resumed.")
            % {"id": distribution.pk, "package": package, "created": started.created, "requeued": started.requeued}
        )
        if started.broker_unavailable:
            self.stdout.write(self.style.WARNING(str(services.BROKER_UNAVAILABLE_MESSAGE)))
        if not wait:
            return
        deliveries = Delivery.objects.filter(package=package)
        progress = self._wait(deliveries, timeout, interval)
        missing = len(distribution.countries_without_contact)
        self.stdout.write(
            _("sent: %(sent)d  failed: %(failed)d  countries without a primary contact: %(missing)d")
            % {"sent": progress.sent, "failed": progress.failed, "missing": missing}
        )
        if not progress.done:
            raise CommandError(
                _("Gave up waiting: %(pending)d deliveries still pending.") % {"pending": progress.pending},
                returncode=2,
            )
        if progress.failed:
            raise CommandError(
                _("%(failed)d deliveries failed: retry them from the distribution page in the admin.")
                % {"failed": progress.failed}
            )

    def _wait(self, deliveries, timeout, interval):
        from tqdm import tqdm

        deadline = None if timeout is None else time.monotonic() + timeout
        progress = selectors.progress_for(deliveries)
        with tqdm(total=progress.total, unit="email", file=self.stdout._out, dynamic_ncols=True) as bar:
            while True:
                completed = progress.sent + progress.failed
                bar.set_postfix(sent=progress.sent, failed=progress.failed, pending=progress.pending, refresh=False)
                bar.update(completed - bar.n)
                if progress.done or (deadline is not None and time.monotonic() > deadline):
                    return progress
                time.sleep(interval)
                progress = selectors.progress_for(deliveries)
