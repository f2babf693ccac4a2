using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace DroneScan.Imaging.Tests.Fixtures;

/// <summary>
/// Builds an XMP packet the way drone firmware writes it: one <c>rdf:Description</c> whose vendor properties
/// are attributes (DJI writes <c>drone-dji:GimbalYawDegree="+90.00"</c>), wrapped in <c>x:xmpmeta</c> and the
/// <c>&lt;?xpacket?&gt;</c> processing instructions. Built with LINQ to XML so every value is escaped.
/// </summary>
internal sealed class XmpPacket
{
    public const string DjiNamespace = "http://www.dji.com/drone-dji/1.0/";
    public const string Pix4DNamespace = "http://pix4d.com/camera/1.0/";
    public const string SenseFlyNamespace = "http://ns.sensefly.com/sensefly/1.0/";

    private static readonly XNamespace X = "adobe:ns:meta/";
    private static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

    private readonly List<(string Prefix, XNamespace Ns)> _namespaces = [];
    private readonly List<(XNamespace Ns, string Name, string Value)> _properties = [];

    public bool IsEmpty => _properties.Count == 0;

    /// <summary>Adds (or replaces) one property, declaring its namespace with the prefix on first use.</summary>
    public XmpPacket Set(string namespaceUri, string prefix, string name, string value)
    {
        XNamespace ns = namespaceUri;
        if (!_namespaces.Exists(n => n.Ns == ns))
        {
            _namespaces.Add((prefix, ns));
        }

        _properties.RemoveAll(p => p.Ns == ns && p.Name == name);
        _properties.Add((ns, name, value));
        return this;
    }

    public XDocument ToDocument()
    {
        var description = new XElement(Rdf + "Description", new XAttribute(Rdf + "about", string.Empty));
        foreach (var (prefix, ns) in _namespaces)
        {
            description.Add(new XAttribute(XNamespace.Xmlns + prefix, ns.NamespaceName));
        }

        foreach (var (ns, name, value) in _properties)
        {
            description.Add(new XAttribute(ns + name, value));
        }

        return new XDocument(
            new XProcessingInstruction("xpacket", "begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\""),
            new XElement(
                X + "xmpmeta",
                new XAttribute(XNamespace.Xmlns + "x", X.NamespaceName),
                new XElement(
                    Rdf + "RDF",
                    new XAttribute(XNamespace.Xmlns + "rdf", Rdf.NamespaceName),
                    description)),
            new XProcessingInstruction("xpacket", "end=\"w\""));
    }

    /// <summary>The packet as UTF-8 bytes without a byte-order mark or XML declaration.</summary>
    public byte[] ToBytes() => Serialize(ToDocument());

    /// <summary>Any XMP document (e.g. one a test has damaged) as UTF-8 bytes without a byte-order mark.</summary>
    public static byte[] Serialize(XDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            OmitXmlDeclaration = true,
            Indent = true,
        };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            document.Save(writer);
        }

        return stream.ToArray();
    }
}
