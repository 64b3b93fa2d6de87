using System.Collections;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>One element of a resource where a mutation can be made: its parent, its name there, and its place in a list.</summary>
public sealed record ResourceSite(Base Parent, string Name, Base Value, IList? List, int Index, string Path)
{
    /// <summary>Every element of the resource (contained resources included), in document order.</summary>
    public static List<ResourceSite> Collect(Resource resource)
    {
        var sites = new List<ResourceSite>();
        Walk(resource, resource.TypeName, sites);
        return sites;
    }

    public bool IsChoice =>
        ModelInfo.ModelInspector.FindOrImportClassMapping(Parent.GetType())?.FindMappedElementByName(Name) is { Choice: ChoiceType.DatatypeChoice };

    /// <summary>Puts <paramref name="value"/> where this element is (null removes it).</summary>
    public void Replace(Base? value)
    {
        if (List is not null)
        {
            if (value is null)
            {
                List.RemoveAt(Index);
            }
            else
            {
                List[Index] = value;
            }
        }
        else
        {
            Parent.SetValue(Name, value);
        }
    }

    private static void Walk(Base node, string path, List<ResourceSite> sites)
    {
        foreach (var (name, value) in node.EnumerateElements().ToList())
        {
            switch (value)
            {
                case Base single:
                    var here = $"{path}.{name}";
                    sites.Add(new ResourceSite(node, name, single, null, -1, here));
                    Walk(single, here, sites);
                    break;
                case IReadOnlyList<Base> many:
                    var list = many as IList;
                    for (var i = 0; i < many.Count; i++)
                    {
                        var item = $"{path}.{name}[{i}]";
                        sites.Add(new ResourceSite(node, name, many[i], list, i, item));
                        Walk(many[i], item, sites);
                    }

                    break;
            }
        }
    }
}
