import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Parses SVG/XHTML text as XML: throws (with the parser's reason) unless it is well-formed.
enum ChartXML {
    static func parse(_ text: String) throws -> XMLDocument {
        try XMLDocument(data: Data(text.utf8), options: [])
    }

    /// Every element named `name`, at any depth.
    static func elements(_ name: String, in doc: XMLDocument) throws -> [XMLElement] {
        try doc.nodes(forXPath: "//*[local-name()='\(name)']").compactMap { $0 as? XMLElement }
    }

    static func attribute(_ e: XMLElement, _ name: String) -> String? { e.attributes?.first { $0.name == name }?.stringValue }
}
