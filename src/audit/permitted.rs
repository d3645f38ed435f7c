//! `amazon-mq-removes-element` (MQA412): Amazon MQ accepts a configuration
//! with elements and attributes it does not permit, and removes them ("sanitises"
//! the revision). A setting that was meant to secure the broker, such as a
//! `simpleAuthenticationPlugin` or a transport connector URI, silently does
//! nothing.
//!
//! The permitted lists are Amazon MQ's documented ones:
//! - elements: <https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/permitted-elements.html>
//! - child collection elements and their children:
//!   <https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/permitted-collections.html>
//! - attributes: <https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/permitted-attributes.html>
//!
//! Attributes are checked for the elements whose permitted attributes
//! matter for security and are listed in full here (`broker`,
//! `transportConnector`, the authorization entries); the other elements'
//! attributes are not checked.

use crate::analysis::{finding, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::xml::config::Element;
use crate::xml::ConfigDoc;

pub static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA412",
        name: "amazon-mq-removes-element",
    },
    severity: Severity::Warning,
    summary:
        "Amazon MQ: an element or attribute that Amazon MQ does not permit and removes on upload",
    docs: r#"## What it does
For an Amazon MQ configuration, reports each element and attribute that Amazon MQ does not
permit, such as `simpleAuthenticationPlugin`, `managementContext`, `transportConnector@uri` or
`authorizationEntry@groupClass`. The lists are Amazon MQ's documented ones ("Elements permitted
in Amazon MQ configurations", "Permitted collections", "Permitted attributes" in the Amazon MQ
Developer Guide); attributes are checked on `broker`, `transportConnector`, `authorizationEntry`
and `tempDestinationAuthorizationEntry`.

## Why is this bad?
Amazon MQ accepts the revision but sanitises it: what it does not permit is removed, with only a
warning in the console. A setting meant to secure the broker then does nothing, and the
configuration in version control no longer says what the broker runs. Amazon MQ manages
authentication (broker users), transport connectors and JMX itself (practice 3: the
authorization map is the part you control).

## Example
```
<broker xmlns="http://activemq.apache.org/schema/core">
  <plugins>
    <simpleAuthenticationPlugin>...</simpleAuthenticationPlugin>
  </plugins>
</broker>
```

## Use instead
Create users with `aws mq create-user` and keep only permitted elements:
```
<broker xmlns="http://activemq.apache.org/schema/core">
  <plugins>
    <authorizationPlugin>...</authorizationPlugin>
  </plugins>
</broker>
```
"#,
};

/// Elements Amazon MQ permits: the element list, plus the child collection
/// elements and their children of the collections list.
pub const PERMITTED_ELEMENTS: &[&str] = &[
    // permitted-elements.html
    "abortSlowAckConsumerStrategy",
    "abortSlowConsumerStrategy",
    "authorizationEntry",
    "authorizationMap",
    "authorizationPlugin",
    "broker",
    "cachedMessageGroupMapFactory",
    "compositeQueue",
    "compositeTopic",
    "constantPendingMessageLimitStrategy",
    "discarding",
    "discardingDLQBrokerPlugin",
    "fileCursor",
    "fileDurableSubscriberCursor",
    "fileQueueCursor",
    "filteredDestination",
    "fixedCountSubscriptionRecoveryPolicy",
    "fixedSizedSubscriptionRecoveryPolicy",
    "forcePersistencyModeBrokerPlugin",
    "individualDeadLetterStrategy",
    "lastImageSubscriptionRecoveryPolicy",
    "messageGroupHashBucketFactory",
    "mirroredQueue",
    "noSubscriptionRecoveryPolicy",
    "oldestMessageEvictionStrategy",
    "oldestMessageWithLowestPriorityEvictionStrategy",
    "policyEntry",
    "policyMap",
    "prefetchRatePendingMessageLimitStrategy",
    "priorityDispatchPolicy",
    "priorityNetworkDispatchPolicy",
    "queryBasedSubscriptionRecoveryPolicy",
    "queue",
    "redeliveryPlugin",
    "redeliveryPolicy",
    "redeliveryPolicyMap",
    "retainedMessageSubscriptionRecoveryPolicy",
    "roundRobinDispatchPolicy",
    "sharedDeadLetterStrategy",
    "simpleDispatchPolicy",
    "simpleMessageGroupMapFactory",
    "statisticsBrokerPlugin",
    "storeCursor",
    "storeDurableSubscriberCursor",
    "strictOrderDispatchPolicy",
    "tempDestinationAuthorizationEntry",
    "tempQueue",
    "tempTopic",
    "timedSubscriptionRecoveryPolicy",
    "timeStampingBrokerPlugin",
    "topic",
    "uniquePropertyMessageEvictionStrategy",
    "virtualDestinationInterceptor",
    "virtualTopic",
    "vmCursor",
    "vmDurableCursor",
    "vmQueueCursor",
    // permitted-collections.html: child collection elements and children
    "authorizationEntries",
    "defaultEntry",
    "map",
    "destinationInterceptors",
    "destinationPolicy",
    "destinations",
    "networkConnectors",
    "networkConnector",
    "persistenceAdapter",
    "kahaDB",
    "plugins",
    "systemUsage",
    "transportConnectors",
    "transportConnector",
    "forwardTo",
    "deadLetterStrategy",
    "destination",
    "dispatchPolicy",
    "messageEvictionStrategy",
    "messageGroupMapFactory",
    "pendingDurableSubscriberPolicy",
    "pendingMessageLimitStrategy",
    "pendingQueuePolicy",
    "pendingSubscriberPolicy",
    "slowConsumerStrategy",
    "subscriptionRecoveryPolicy",
    "policyEntries",
    "redeliveryPolicyEntries",
    "virtualDestinations",
    "wrapped",
    "deadLetterQueue",
];

/// Permitted attributes of the elements whose attributes are checked
/// (permitted-attributes.html). Namespace declarations and `xsi:`
/// attributes are not settings and are not reported.
pub const PERMITTED_ATTRIBUTES: &[(&str, &[&str])] = &[
    (
        "broker",
        &[
            "advisorySupport",
            "allowTempAutoCreationOnSend",
            "cacheTempDestinations",
            "consumerSystemUsagePortion",
            "dedicatedTaskRunner",
            "deleteAllMessagesOnStartup",
            "keepDurableSubsActive",
            "enableMessageExpirationOnActiveDurableSubs",
            "maxPurgedDestinationsPerSweep",
            "maxSchedulerRepeatAllowed",
            "monitorConnectionSplits",
            "networkConnectorStartAsync",
            "offlineDurableSubscriberTaskSchedule",
            "offlineDurableSubscriberTimeout",
            "persistenceThreadPriority",
            "persistent",
            "populateJMSXUserID",
            "producerSystemUsagePortion",
            "rejectDurableConsumers",
            "rollbackOnlyOnAsyncException",
            "schedulePeriodForDestinationPurge",
            "schedulerSupport",
            "splitSystemUsageForProducersConsumers",
            "taskRunnerPriority",
            "timeBeforePurgeTempDestinations",
            "useAuthenticatedPrincipalForJMSXUserID",
            "useMirroredQueues",
            "useTempMirroredQueues",
            "useVirtualDestSubs",
            "useVirtualDestSubsOnCreation",
            "useVirtualTopics",
        ],
    ),
    (
        "transportConnector",
        &[
            "name",
            "updateClusterClients",
            "rebalanceClusterClients",
            "updateClusterClientsOnRemove",
        ],
    ),
    (
        "authorizationEntry",
        &[
            "admin",
            "queue",
            "read",
            "tempQueue",
            "tempTopic",
            "topic",
            "write",
        ],
    ),
    (
        "tempDestinationAuthorizationEntry",
        &["admin", "read", "write"],
    ),
];

/// What to say about well-known removed elements.
fn hint(local: &str) -> Option<&'static str> {
    Some(match local {
        "simpleAuthenticationPlugin" | "jaasAuthenticationPlugin" | "jaasCertificateAuthenticationPlugin" | "jaasDualAuthenticationPlugin" => {
            "Amazon MQ authenticates its own broker users (or LDAP): create users with `aws mq create-user`"
        }
        "managementContext" => "Amazon MQ manages JMX itself; it is not reachable from outside",
        "sslContext" => "Amazon MQ's endpoints always use TLS with its own certificates",
        "bean" => "Amazon MQ does not run Spring beans from the configuration",
        _ => return None,
    })
}

/// Report what Amazon MQ would remove from `doc`'s broker.
pub fn check(doc: &ConfigDoc, out: &mut Vec<Diagnostic>) {
    let tree = doc.broker_document();
    let mut stack = vec![0];
    while let Some(i) = stack.pop() {
        let Some(e) = tree.elements.get(i) else {
            continue;
        };
        if !PERMITTED_ELEMENTS.contains(&e.local.as_str()) {
            // the element goes, with everything inside it
            out.push(element_finding(doc, e));
            continue;
        }
        attribute_findings(doc, e, out);
        stack.extend(e.children.iter().rev());
    }
}

fn element_finding(doc: &ConfigDoc, e: &Element) -> Diagnostic {
    let mut d = finding(
        &META,
        format!(
            "Amazon MQ does not permit `<{}>` and removes it, with everything inside it",
            e.local
        ),
    );
    d = doc.locate(d, e.start_tag, "removed by Amazon MQ");
    let d = match hint(&e.local) {
        Some(h) => d.help(h),
        None => d.help("remove the element; Amazon MQ lists the elements it permits in its developer guide (\"Elements permitted in Amazon MQ configurations\")"),
    };
    d.note("https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/permitted-elements.html")
}

fn attribute_findings(doc: &ConfigDoc, e: &Element, out: &mut Vec<Diagnostic>) {
    let Some((_, permitted)) = PERMITTED_ATTRIBUTES.iter().find(|(n, _)| *n == e.local) else {
        return;
    };
    for a in &e.attrs {
        // namespace declarations and XML Schema hints are not settings
        if a.name == "xmlns"
            || a.name.starts_with("xmlns:")
            || a.name.starts_with("xsi:")
            || permitted.contains(&a.local.as_str())
        {
            continue;
        }
        let help = match (e.local.as_str(), a.local.as_str()) {
            ("transportConnector", "uri") => {
                "Amazon MQ sets the URIs itself (TLS endpoints only); keep `name` and remove `uri`"
            }
            ("authorizationEntry", "groupClass") => {
                "Amazon MQ uses ActiveMQ's GroupPrincipal; remove `groupClass`"
            }
            _ => "remove the attribute; Amazon MQ lists the attributes it permits in its developer guide (\"Permitted attributes\")",
        };
        let d = finding(
            &META,
            format!(
                "Amazon MQ does not permit attribute `{}` on `<{}>` and removes it",
                a.local, e.local
            ),
        );
        out.push(
            doc.locate(d, a.span, "removed by Amazon MQ")
                .help(help)
                .note("https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/permitted-attributes.html"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, SourceId};

    fn findings(xml: &str) -> Vec<String> {
        let file = SourceFile::new("broker.xml", xml);
        let doc = ConfigDoc::parse(SourceId(0), &file).unwrap();
        let mut out = Vec::new();
        check(&doc, &mut out);
        out.iter()
            .map(|d| {
                let line = file.line_col(d.labels[0].span.start as usize).line;
                format!("{line}: {}", d.message)
            })
            .collect()
    }

    #[test]
    fn clean_amazon_mq_configuration() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<broker xmlns="http://activemq.apache.org/schema/core" schedulePeriodForDestinationPurge="10000">
  <destinationPolicy><policyMap><policyEntries>
    <policyEntry topic="&gt;" gcInactiveDestinations="true"><pendingMessageLimitStrategy>
      <constantPendingMessageLimitStrategy limit="3000"/></pendingMessageLimitStrategy></policyEntry>
  </policyEntries></policyMap></destinationPolicy>
  <plugins>
    <authorizationPlugin><map><authorizationMap>
      <authorizationEntries>
        <authorizationEntry queue="&gt;" read="admins" write="admins" admin="admins"/>
      </authorizationEntries>
      <tempDestinationAuthorizationEntry>
        <tempDestinationAuthorizationEntry read="admins" write="admins" admin="admins"/>
      </tempDestinationAuthorizationEntry>
    </authorizationMap></map></authorizationPlugin>
  </plugins>
  <transportConnectors><transportConnector name="openwire" updateClusterClients="true"/></transportConnectors>
</broker>"#;
        assert_eq!(findings(xml), Vec::<String>::new());
    }

    #[test]
    fn removed_elements_and_attributes() {
        let xml = r#"<broker xmlns="http://activemq.apache.org/schema/core" useJmx="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="x y">
  <managementContext><managementContext createConnector="true"/></managementContext>
  <plugins>
    <simpleAuthenticationPlugin><users><authenticationUser username="a" password="b" groups="g"/></users></simpleAuthenticationPlugin>
    <authorizationPlugin><map><authorizationMap><authorizationEntries>
      <authorizationEntry queue="&gt;" read="g" groupClass="x.Y"/>
    </authorizationEntries></authorizationMap></map></authorizationPlugin>
  </plugins>
  <transportConnectors><transportConnector name="o" uri="tcp://0.0.0.0:61616"/></transportConnectors>
</broker>"#;
        assert_eq!(
            findings(xml),
            [
                "1: Amazon MQ does not permit attribute `useJmx` on `<broker>` and removes it",
                "2: Amazon MQ does not permit `<managementContext>` and removes it, with everything inside it",
                "4: Amazon MQ does not permit `<simpleAuthenticationPlugin>` and removes it, with everything inside it",
                "6: Amazon MQ does not permit attribute `groupClass` on `<authorizationEntry>` and removes it",
                "9: Amazon MQ does not permit attribute `uri` on `<transportConnector>` and removes it",
            ]
        );
    }
}
