//! The metric checks of `validateTemplate` (validate.go): `metrics.IsValidMetricName`,
//! `ValidateMetricLabels`, a help text, `ValidateMetricValues`.

use super::{Anchor, Ctx, Rule};
use crate::lint::names;
use crate::{JsonPath, Template};

/// The metric checks of `validateTemplate`: `metrics.IsValidMetricName`,
/// `ValidateMetricLabels`, a help text, `ValidateMetricValues`.
pub(crate) fn validate(ctx: &mut Ctx<'_>, tmpl: &Template, anchor: &Anchor) {
    let Some(m) = &tmpl.metrics else { return };
    let name = &tmpl.name;
    for (i, metric) in m.prometheus.iter().enumerate() {
        let at = |p: &JsonPath| p.key("metrics").key("prometheus").index(i);
        let err = |ctx: &mut Ctx<'_>, sub: &str, msg: String| {
            ctx.error(anchor, |p| at(p).key(sub), Rule::Metric, msg);
        };
        if !names::is_metric_name(&metric.name) {
            err(
                ctx,
                "name",
                format!(
                    "templates.{name} metric name '{}' is invalid. Metric names must contain alphanumeric characters or '_'",
                    metric.name
                ),
            );
        }
        if let Some(l) = metric
            .labels
            .iter()
            .find(|l| !names::is_metric_name(&l.key))
        {
            err(
                ctx,
                "labels",
                format!(
                    "metric label '{}' is invalid: keys may only contain alphanumeric characters or '_'",
                    l.key
                ),
            );
        }
        if metric.help.is_empty() {
            err(
                ctx,
                "help",
                format!(
                    "templates.{name} metric '{}' must contain a help string under 'help: ' field",
                    metric.name
                ),
            );
        }
        let values = if let Some(g) = &metric.gauge {
            if g.value.is_empty() {
                Some(("gauge", "missing gauge.value"))
            } else if g.realtime == Some(true) && g.value.contains("resourcesDuration.") {
                Some((
                    "gauge",
                    "'resourcesDuration.*' metrics cannot be used in real-time",
                ))
            } else {
                None
            }
        } else {
            None
        };
        let values = values
            .or_else(|| {
                metric
                    .counter
                    .as_ref()
                    .filter(|c| c.value.is_empty())
                    .map(|_| ("counter", "missing counter.value"))
            })
            .or_else(|| {
                metric
                    .histogram
                    .as_ref()
                    .filter(|h| h.value.is_empty())
                    .map(|_| ("histogram", "missing histogram.value"))
            });
        if let Some((sub, msg)) = values {
            err(
                ctx,
                sub,
                format!("templates.{name} metric '{}' error: {msg}", metric.name),
            );
        }
    }
}
