"""Generated variant sites of every CMS family, drawn from a seed with independent knobs, truth emitted with them
(issue 13): ``variant_spec(seed)`` is served like a sample site, ``variant_truth(seed)`` says what a crawl must
find there and which knob values it was drawn with."""

from sampleweb.variants.sites import VariantTruth, variant_plan, variant_spec, variant_specs, variant_truth

__all__ = ["VariantTruth", "variant_plan", "variant_spec", "variant_specs", "variant_truth"]
