using Mono.Cecil;
using Mono.Cecil.Cil;

namespace SpeechToText.UnitTests.Architecture;

/// <summary>
/// Which namespaces of one assembly use which others, read from its metadata and IL: base types, interfaces,
/// fields, properties, signatures, attributes, locals and every type, method or field an instruction names.
/// A nested or compiler-generated type (lambda closure, async state machine) counts for the namespace of the
/// type it is declared in. For each edge, one type that makes it is kept, for the failure message.
/// </summary>
public sealed class NamespaceGraph
{
    private readonly Dictionary<string, Dictionary<string, string>> _edges = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Namespaces => _edges.Keys;

    /// <summary>Namespace → the namespaces it uses (itself excluded), each with an example "From uses To".</summary>
    public IReadOnlyDictionary<string, Dictionary<string, string>> Edges => _edges;

    public void AddNamespace(string ns) => _edges.TryAdd(ns, new Dictionary<string, string>(StringComparer.Ordinal));

    public void AddEdge(string from, string to, string example)
    {
        AddNamespace(from);
        AddNamespace(to);
        if (from != to)
        {
            _edges[from].TryAdd(to, example);
        }
    }

    /// <summary>Reads the namespaces under <paramref name="prefix"/> (generated helpers such as the regex generator's are left out).</summary>
    public static NamespaceGraph Read(string assemblyPath, string prefix)
    {
        var graph = new NamespaceGraph();
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath);
        var module = assembly.MainModule;
        foreach (var type in module.GetTypes())
        {
            var owner = Outermost(type);
            if (!InScope(owner, prefix))
            {
                continue;
            }
            graph.AddNamespace(owner.Namespace);
            foreach (var used in Uses(type))
            {
                foreach (var local in Own(used, module).Where(t => InScope(Outermost(t), prefix)))
                {
                    graph.AddEdge(owner.Namespace, Outermost(local).Namespace, $"{owner.FullName} uses {Outermost(local).FullName}");
                }
            }
        }
        return graph;
    }

    /// <summary>The namespace cycles: strongly connected sets of more than one namespace (Tarjan).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var cycles = new List<IReadOnlyList<string>>();
        int next = 0;
        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in _edges[v].Keys)
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }
            if (low[v] == index[v])
            {
                var set = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    set.Add(w);
                }
                while (w != v);
                if (set.Count > 1)
                {
                    set.Sort(StringComparer.Ordinal);
                    cycles.Add(set);
                }
            }
        }
        foreach (var v in _edges.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }
        return cycles;
    }

    private static bool InScope(TypeReference type, string prefix) =>
        type.Namespace == prefix || type.Namespace.StartsWith(prefix + ".", StringComparison.Ordinal);

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }
        return type;
    }

    /// <summary>The types of <paramref name="module"/> inside a reference (generic arguments, arrays, by-refs unwrapped).</summary>
    private static IEnumerable<TypeReference> Own(TypeReference? type, ModuleDefinition module)
    {
        switch (type)
        {
            case null or GenericParameter:
                yield break;
            case GenericInstanceType generic:
                foreach (var t in Own(generic.ElementType, module).Concat(generic.GenericArguments.SelectMany(a => Own(a, module))))
                {
                    yield return t;
                }
                yield break;
            case TypeSpecification spec:
                foreach (var t in Own(spec.ElementType, module))
                {
                    yield return t;
                }
                yield break;
        }
        if (type.Scope == module || type is TypeDefinition)
        {
            yield return type;
        }
    }

    private static IEnumerable<TypeReference?> Uses(TypeDefinition type)
    {
        yield return type.BaseType;
        foreach (var i in type.Interfaces)
        {
            yield return i.InterfaceType;
        }
        foreach (var a in Attributes(type))
        {
            yield return a;
        }
        foreach (var g in type.GenericParameters.SelectMany(p => p.Constraints))
        {
            yield return g.ConstraintType;
        }
        foreach (var f in type.Fields)
        {
            yield return f.FieldType;
            foreach (var a in Attributes(f))
            {
                yield return a;
            }
        }
        foreach (var p in type.Properties)
        {
            yield return p.PropertyType;
            foreach (var a in Attributes(p))
            {
                yield return a;
            }
        }
        foreach (var e in type.Events)
        {
            yield return e.EventType;
        }
        foreach (var m in type.Methods)
        {
            foreach (var t in Uses(m))
            {
                yield return t;
            }
        }
    }

    private static IEnumerable<TypeReference?> Uses(MethodDefinition method)
    {
        foreach (var t in Signature(method))
        {
            yield return t;
        }
        foreach (var a in Attributes(method).Concat(method.Parameters.SelectMany(Attributes)))
        {
            yield return a;
        }
        if (!method.HasBody)
        {
            yield break;
        }
        foreach (var v in method.Body.Variables)
        {
            yield return v.VariableType;
        }
        foreach (var h in method.Body.ExceptionHandlers)
        {
            yield return h.CatchType;
        }
        foreach (var instruction in method.Body.Instructions)
        {
            switch (instruction.Operand)
            {
                case TypeReference t:
                    yield return t;
                    break;
                case MethodReference m:
                    foreach (var t in Signature(m))
                    {
                        yield return t;
                    }
                    if (m is GenericInstanceMethod gm)
                    {
                        foreach (var a in gm.GenericArguments)
                        {
                            yield return a;
                        }
                    }
                    break;
                case FieldReference f:
                    yield return f.DeclaringType;
                    yield return f.FieldType;
                    break;
                case CallSite site:
                    yield return site.ReturnType;
                    foreach (var p in site.Parameters)
                    {
                        yield return p.ParameterType;
                    }
                    break;
            }
        }
    }

    private static IEnumerable<TypeReference?> Signature(MethodReference method)
    {
        yield return method.DeclaringType;
        yield return method.ReturnType;
        foreach (var p in method.Parameters)
        {
            yield return p.ParameterType;
        }
    }

    private static IEnumerable<TypeReference> Attributes(ICustomAttributeProvider provider) =>
        provider.HasCustomAttributes
            ? provider.CustomAttributes.SelectMany(a => a.ConstructorArguments.Select(c => c.Value).OfType<TypeReference>().Prepend(a.AttributeType))
            : [];
}
