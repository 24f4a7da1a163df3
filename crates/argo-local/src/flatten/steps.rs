//! Steps templates: groups of steps that run in parallel, one group after the other
//! (upstream's `executeSteps`).

use std::collections::HashMap;

use super::{Builder, Call};
use crate::TaskName;
use crate::error::Result;
use crate::plan::Kind;

impl Builder<'_> {
    pub(super) fn expand_steps(&mut self, scope: usize, prefix: Option<&TaskName>) -> Result<()> {
        let tmpl = self.scopes[scope].template;
        let steps = self.templates[tmpl].steps.clone();
        // Step names are unique across the whole template (upstream's `validateSteps`).
        let mut local: HashMap<String, usize> = HashMap::new();
        let mut groups = Vec::with_capacity(steps.len());
        for (g, group) in steps.iter().enumerate() {
            let mut nodes = Vec::with_capacity(group.0.len());
            for step in &group.0 {
                let call = Call {
                    name: &step.name,
                    template: step.template.as_ref(),
                    inline: step.inline.as_deref(),
                    template_ref: step.template_ref.is_some(),
                    when: step.when.as_ref(),
                    loops: !step.with_items.is_empty()
                        || step.with_param.is_some()
                        || step.with_sequence.is_some(),
                    arguments: step.arguments.as_ref(),
                    continue_on: step.continue_on.as_ref(),
                };
                nodes.push(self.add(scope, prefix, &call, g, &mut local)?);
            }
            groups.push(nodes);
        }
        self.scopes[scope].kind = Kind::Steps { groups };
        Ok(())
    }
}
