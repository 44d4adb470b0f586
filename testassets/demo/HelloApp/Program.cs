Console.WriteLine("The skills for this project's coding agents are in .agents/skills at the repository root.");
