//! One ordered tree per Open311 answer, written as JSON or as XML: the specification's JSON is the
//! "Spark" mapping of its XML (a list root becomes a top-level array), so one tree says the field
//! names and their order for both.

use serde::ser::{SerializeMap, SerializeSeq};

/// A value of an answer.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Text(String),
    Int(i64),
    Number(f64),
    Bool(bool),
    /// Absent: `null` in JSON, an empty element in XML.
    Null,
    /// Fields in order.
    Obj(Vec<(&'static str, Node)>),
    /// A list, and the element name each item takes in XML.
    List(&'static str, Vec<Node>),
}

impl Node {
    pub(super) fn text(v: impl Into<String>) -> Self {
        Node::Text(v.into())
    }

    pub(super) fn opt_text(v: Option<impl Into<String>>) -> Self {
        v.map_or(Node::Null, |v| Node::Text(v.into()))
    }

    pub(super) fn opt_number(v: Option<f64>) -> Self {
        v.map_or(Node::Null, Node::Number)
    }
}

impl serde::Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Text(t) => s.serialize_str(t),
            Node::Int(n) => s.serialize_i64(*n),
            Node::Number(n) => s.serialize_f64(*n),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Null => s.serialize_none(),
            Node::Obj(fields) => {
                let mut m = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
            Node::List(_, items) => {
                let mut q = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    q.serialize_element(i)?;
                }
                q.end()
            }
        }
    }
}

/// The answer as XML: the declaration, then `root` holding the node (a list's items as elements
/// of their own name).
pub(super) fn to_xml(root: &str, node: &Node) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    element(&mut out, root, node);
    out
}

fn element(out: &mut String, name: &str, node: &Node) {
    out.push('<');
    out.push_str(name);
    match node {
        Node::Null => {
            out.push_str("/>");
            return;
        }
        _ => out.push('>'),
    }
    match node {
        Node::Text(t) => out.push_str(&quick_xml::escape::escape(t.as_str())),
        Node::Int(n) => out.push_str(&n.to_string()),
        Node::Number(n) => out.push_str(&n.to_string()),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Null => {}
        Node::Obj(fields) => {
            for (k, v) in fields {
                element(out, k, v);
            }
        }
        Node::List(item, items) => {
            for i in items {
                element(out, item, i);
            }
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_tree_reads_the_same_in_json_and_xml() {
        let tree = Node::List(
            "service",
            vec![Node::Obj(vec![
                ("service_code", Node::text("12")),
                ("service_name", Node::text("路灯 <不亮> & 闪烁")),
                ("metadata", Node::Bool(true)),
                ("lat", Node::Number(30.5)),
                ("group", Node::Null),
            ])],
        );
        assert_eq!(
            serde_json::to_string(&tree).unwrap(),
            r#"[{"service_code":"12","service_name":"路灯 <不亮> & 闪烁","metadata":true,"lat":30.5,"group":null}]"#
        );
        assert_eq!(
            to_xml("services", &tree),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services><service><service_code>12</service_code>\
             <service_name>路灯 &lt;不亮&gt; &amp; 闪烁</service_name><metadata>true</metadata><lat>30.5</lat>\
             <group/></service></services>"
        );
    }
}
