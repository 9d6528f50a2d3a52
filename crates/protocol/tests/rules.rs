//! The id, node-type, capability and version tables against chia's own (`tables.json`), and the
//! format-by-version rules of harvester-farmer.md §3.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use sickle_protocol::{
    Capability, NodeType, ProtocolMessageTypes, ProtocolVersion, SignagePointFormat, allowed_from,
    default_capabilities, plot_sync_loaded_type, protocol_version_for, respond_plots_type,
    signage_point_format, supports_new_plot_serialization,
};
use sickle_vectors::read_json;

fn v(text: &str) -> ProtocolVersion {
    text.parse().unwrap()
}

fn node(name: &str) -> NodeType {
    NodeType::ALL
        .into_iter()
        .find(|n| n.name() == name)
        .unwrap()
}

#[test]
fn message_type_table_is_chias() {
    let tables = read_json("protocol/tables.json");
    let types = tables["message_types"].as_array().unwrap();
    assert_eq!(types.len(), ProtocolMessageTypes::ALL.len());
    for entry in types {
        let name = entry["name"].as_str().unwrap();
        let id = u8::try_from(entry["id"].as_u64().unwrap()).unwrap();
        let kind = ProtocolMessageTypes::from_id(id).unwrap();
        assert_eq!(kind.name(), name);
        assert_eq!(kind.id(), id);
        assert_eq!(ProtocolMessageTypes::from_name(name), Some(kind));
        let allowed: Vec<&str> = entry["allowed_from"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        for sender in NodeType::ALL {
            assert_eq!(
                allowed_from(id, sender),
                allowed.contains(&sender.name()),
                "{name} from {}",
                sender.name()
            );
        }
    }
    // Ids chia does not know: never allowed, never decoded.
    let known: Vec<u8> = types
        .iter()
        .map(|t| t["id"].as_u64().unwrap() as u8)
        .collect();
    for id in 0..=255u8 {
        if !known.contains(&id) {
            assert_eq!(ProtocolMessageTypes::from_id(id), None, "id {id}");
            assert!(!allowed_from(id, NodeType::Farmer));
        }
    }
}

#[test]
fn node_types_capabilities_and_versions_are_chias() {
    let tables = read_json("protocol/tables.json");
    for entry in tables["node_types"].as_array().unwrap() {
        let id = entry["id"].as_u64().unwrap() as u8;
        let n = NodeType::from_id(id).unwrap();
        assert_eq!(n.name(), entry["name"].as_str().unwrap());
        assert_eq!(u8::from(n), id);
    }
    assert_eq!(NodeType::from_id(0), None);
    assert_eq!(NodeType::from_id(9), None);
    let caps = tables["capabilities"].as_array().unwrap();
    assert_eq!(caps.len(), Capability::ALL.len());
    for entry in caps {
        let id = entry["id"].as_u64().unwrap() as u16;
        assert_eq!(Capability::from_id(id).unwrap().id(), id);
    }
    for (name, version) in tables["protocol_version"].as_object().unwrap() {
        assert_eq!(protocol_version_for(node(name)), version.as_str().unwrap());
    }
    let harvester_caps = &tables["default_capabilities"]["HARVESTER"];
    let ours: Vec<serde_json::Value> = default_capabilities()
        .into_iter()
        .map(|(id, value)| serde_json::json!([id, value]))
        .collect();
    assert_eq!(&serde_json::Value::Array(ours), harvester_caps);
}

#[test]
fn versions_parse_and_order_numerically() {
    assert!(v("0.0.36") < v("0.0.37"));
    assert!(v("0.0.37") < v("0.0.38"));
    assert!(v("0.0.9") < v("0.0.10"));
    assert_eq!(v("0.0.38"), v("0.0.38.0"));
    assert!(v("0.1") > v("0.0.99"));
    assert_eq!(v("0.0.38").to_string(), "0.0.38");
    assert_eq!(
        ProtocolVersion::current(),
        v(sickle_protocol::PROTOCOL_VERSION)
    );
    for bad in [
        "", "0..38", "v0.0.38", "0.0.38a1", "0.0.-1", " 0.0.38", "0.0.38.", "x",
    ] {
        assert!(bad.parse::<ProtocolVersion>().is_err(), "{bad:?}");
    }
    assert!("1".repeat(100).parse::<ProtocolVersion>().is_err());
}

#[test]
fn formats_follow_the_peer_version() {
    assert_eq!(
        signage_point_format(&v("0.0.38")),
        Some(SignagePointFormat::V2)
    );
    assert_eq!(
        signage_point_format(&v("0.0.39")),
        Some(SignagePointFormat::V2)
    );
    assert_eq!(
        signage_point_format(&v("0.0.36")),
        Some(SignagePointFormat::V1)
    );
    assert_eq!(
        signage_point_format(&v("0.0.34")),
        Some(SignagePointFormat::V1)
    );
    assert_eq!(signage_point_format(&v("0.0.37")), None);
    assert_eq!(signage_point_format(&v("0.0.36.1")), None);

    assert!(supports_new_plot_serialization(&v("0.0.38")));
    assert!(!supports_new_plot_serialization(&v("0.0.37")));
    assert_eq!(
        plot_sync_loaded_type(&v("0.0.38")),
        ProtocolMessageTypes::PlotSyncLoaded2
    );
    assert_eq!(
        plot_sync_loaded_type(&v("0.0.36")),
        ProtocolMessageTypes::PlotSyncLoaded
    );
    assert_eq!(
        respond_plots_type(&v("0.0.38")),
        ProtocolMessageTypes::RespondPlots2
    );
    assert_eq!(
        respond_plots_type(&v("0.0.37")),
        ProtocolMessageTypes::RespondPlots
    );
    assert_eq!(ProtocolMessageTypes::PlotSyncLoaded2.id(), 112);
    assert_eq!(ProtocolMessageTypes::RespondPlots2.id(), 113);
}
