using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace SpeechToText.Core.Usage;

public enum UsageGrouping
{
    None,
    Key,
    Model,
}
