"""The registry of sample sites: one module per county, each exporting a SiteSpec named SPEC."""

from __future__ import annotations

from sampleweb.site import SiteSpec
from sampleweb.sites import helan, huinong, lingwu, pingluo, yanchi, zhengning

SITES: dict[str, SiteSpec] = {
    spec.site_id: spec
    for spec in (pingluo.SPEC, yanchi.SPEC, helan.SPEC, zhengning.SPEC, huinong.SPEC, lingwu.SPEC)
}
